import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Request, type RequestHandler, type Router } from 'express';

/** The built web UI (vite build output), next to the daemon's sources. */
export const DEFAULT_UI_DIR = resolve(import.meta.dirname, '../../ui/dist');

/** Paths the UI must never shadow: the API, probes and metrics keep their own answers (and JSON 404s). */
const RESERVED = /^\/(api|health|metrics)(\/|$)/;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves ui/dist at `/`: hashed files under /assets are cached forever, index.html is revalidated
 * every time, and any other GET that asks for HTML gets index.html so client-side routes
 * (/containers/abc) survive a reload. Mounted after the API router, before the 404 handler.
 */
export function uiStatic(uiDir: string = DEFAULT_UI_DIR): Router {
  const router = express.Router();
  const indexFile = join(uiDir, 'index.html');

  router.use(
    express.static(uiDir, {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', path.includes(`${join(uiDir, 'assets')}`) ? IMMUTABLE : 'public, max-age=3600');
        res.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }),
  );

  const spaFallback: RequestHandler = (req, res, next) => {
    if (!wantsPage(req)) return next();
    if (!existsSync(indexFile)) {
      res
        .status(503)
        .type('text/plain')
        .send('The dockdeck web UI is not built. Run `npm run build:ui` (npm start does it when ui/dist is missing).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(indexFile);
  };
  router.get(/.*/, spaFallback);
  return router;
}

/** A browser navigation: GET/HEAD for HTML, outside the reserved paths and the assets folder. */
function wantsPage(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (RESERVED.test(req.path) || req.path.startsWith('/assets/')) return false;
  return (req.get('accept') ?? '').includes('text/html');
}
