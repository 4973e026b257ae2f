import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Server } from 'node:http';
import { ConfigError } from '../config/config-error.ts';
import { loadAgentConfig, type AgentConfig } from '../config/load-agent-config.ts';
import { createLogger, type Logger } from '../log.ts';
import { createAgentServer, isLoopback, type AgentEngineTarget } from './agent-server.ts';

/** Composition root of agent mode (`dockdeck agent`): config → local engine check → relay server. */
async function main(): Promise<void> {
  let config: AgentConfig;
  let tls: { cert: Buffer; key: Buffer; ca?: Buffer } | undefined;
  try {
    config = loadAgentConfig();
    tls = config.tls ? readTls(config.tls) : undefined;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dockdeck agent: invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.log).child({ mode: 'agent' });
  for (const warning of config.warnings) logger.warn(warning);
  if (!tls && !isLoopback(config.address)) {
    logger.warn(
      `THE AGENT LISTENS WITHOUT TLS on ${config.address}: the secret and every container's configuration cross the network in clear text. Set DD_AGENT_CERTFILE and DD_AGENT_KEYFILE (and DD_AGENT_CAFILE to require client certificates).`,
    );
  }
  await reportEngine(config.engine, logger);

  const server = createAgentServer({ secret: config.secret, engine: config.engine, logger, ...(tls ? { tls } : {}) });
  try {
    await listen(server, config.port, config.address);
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${config.address}:${config.port}`);
    process.exit(1);
  }
  logger.info(
    { address: config.address, port: config.port, tls: Boolean(tls), clientCertificates: Boolean(tls?.ca), engine: 'socket' in config.engine ? `unix://${config.engine.socket}` : `tcp://${config.engine.host}:${config.engine.port}` },
    'dockdeck agent is listening',
  );

  const stop = (signal: string) => {
    logger.info({ signal }, 'agent shutting down');
    // Followed streams (events, logs) never end by themselves: close them with the server.
    server.closeAllConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 3_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

function readTls(tls: NonNullable<AgentConfig['tls']>): { cert: Buffer; key: Buffer; ca?: Buffer } {
  const read = (variable: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ConfigError(variable, `cannot read file '${path}' (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`, 'a path to a readable PEM file');
    }
  };
  return {
    cert: read('DD_AGENT_CERTFILE', tls.cert),
    key: read('DD_AGENT_KEYFILE', tls.key),
    ...(tls.ca ? { ca: read('DD_AGENT_CAFILE', tls.ca) } : {}),
  };
}

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Logs whether the local engine answers; the agent starts either way and answers 502 until it does. */
function reportEngine(engine: AgentEngineTarget, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      { ...('socket' in engine ? { socketPath: engine.socket } : { host: engine.host, port: engine.port }), path: '/version', method: 'GET', timeout: 5_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 65_536) body += chunk;
        });
        res.on('end', () => {
          try {
            const version = JSON.parse(body) as { Version?: string; ApiVersion?: string };
            logger.info({ version: version.Version, apiVersion: version.ApiVersion }, 'local Docker engine answers');
          } catch {
            logger.warn({ status: res.statusCode }, 'local Docker engine gave an unexpected answer to /version');
          }
          resolve();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      logger.error({ err: error.code ?? error.message }, 'local Docker engine is unreachable; calls are answered 502 until it is back');
      resolve();
    });
    req.end();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`dockdeck agent: fatal: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
