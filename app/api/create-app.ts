import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { AuthServices } from '../auth/auth-services.ts';
import type { AppContext } from './context.ts';
import { authentication } from './middleware/auth.ts';
import { errorHandler, notFoundHandler } from './middleware/errors.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { RouteRegistry } from './route-registry.ts';
import { routeModules } from './routes/index.ts';
import { uiStatic } from './ui-static.ts';

/** Builds the Express application: middleware, every route module, the OpenAPI document, errors. */
export function createApp(appContext: AppContext): { app: Express; registry: RouteRegistry } {
  const context: AppContext = appContext.auth
    ? appContext
    : {
        ...appContext,
        auth: new AuthServices({
          auth: appContext.config.auth,
          store: appContext.store,
          logger: appContext.logger,
          ...(appContext.config.server.publicUrl ? { publicUrl: appContext.config.server.publicUrl } : {}),
        }),
      };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger: context.logger,
      // Health probes and event streams would drown the log.
      autoLogging: { ignore: (req) => req.url === '/health' || (req.url ?? '').includes('/stream') || (req.url ?? '').includes('/events') },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
      serializers: {
        // An OIDC callback's query holds the authorization code and state: never in a log line.
        req: (req: { method: string; url: string }) => ({ method: req.method, url: /\/auth\/oidc\//i.test(req.url) ? req.url.replace(/\?.*$/, '?…') : req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  for (const middleware of authentication(context.auth!)) app.use(middleware);
  app.use(express.json({ limit: context.config.server.bodyLimitBytes, strict: true }));

  const router = express.Router();
  const registry = new RouteRegistry(router);
  for (const register of routeModules) register(registry, context);
  const openapi = buildOpenApiDocument(registry, { version: context.version });
  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use(router);
  // The web UI after the API (so it never shadows a route) and before the JSON 404.
  app.use(uiStatic());

  app.use(notFoundHandler);
  app.use(errorHandler(context.logger));
  return { app, registry };
}
