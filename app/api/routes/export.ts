import type { Request, Response } from 'express';
import { buildComposeExport, type ComposeExport } from '../../compose/compose-document.ts';
import { containerNotFound, gatherInputs, type ExportFailure, type ExportTarget } from '../../compose/compose-exporter.ts';
import { DockerComposeSource } from '../../compose/docker-compose-source.ts';
import { exportZip } from '../../compose/export-zip.ts';
import type { ExportOptions } from '../../compose/types.ts';
import { AppError, errorMessage } from '../../core/errors.ts';
import type { AppContext } from '../context.ts';
import { Reply, type RouteRegistry } from '../route-registry.ts';
import { findContainer } from '../sse/container-lookup.ts';
import { batchExportBodySchema, exportBodySchema, exportQuerySchema, exportResultSchema } from './export-schemas.ts';
import { actorOf, recordAudit } from './audit-trail.ts';
import { secretRevealBudget } from './lifecycle.ts';
import { errorSchema, idParams } from './update-route-helpers.ts';

type Body = { sanitize_secrets: boolean; include_volumes: boolean; include_networks: boolean };

/**
 * Export to Docker Compose (seed 002): one container or a stack of several, as JSON or a zip.
 * `export` answers as a download (Content-Disposition: attachment), `preview` the same JSON inline.
 * Registered before the containers module; the batch paths before `/:id/export`, which would match them.
 */
export function registerExportRoutes(api: RouteRegistry, context: AppContext): void {
  // Real secret values share env reveal's budget (seed 003: 10 a minute per user, or per address).
  const secretReads = secretRevealBudget(context);
  const guard = (body: Body, req: Request): string | undefined => {
    const actor = actorOf(req);
    if (body.sanitize_secrets) return actor;
    const client = actor ? `user:${actor}` : `ip:${req.ip ?? 'unknown'}`;
    if (!secretReads.allow(client)) throw new AppError(429, 'RATE_LIMITED', 'Too many secret reads (env reveal or unsanitized export); at most 10 per minute');
    return actor;
  };

  const common = {
    200: { description: 'The export', schema: exportResultSchema },
    400: { description: 'Malformed JSON or an invalid field (INVALID_BODY)', schema: errorSchema },
    429: { description: 'More than 10 secret reads (env reveal or sanitize_secrets=false) in a minute (RATE_LIMITED)', schema: errorSchema },
    503: { description: 'The container\'s engine is unreachable or not ours (ENGINE_UNAVAILABLE)', schema: errorSchema },
  };

  for (const download of [true, false]) {
    api.add({
      method: 'post',
      path: `/api/v1/containers/batch/export${download ? '' : '/preview'}`,
      tag: 'containers',
      summary: download ? 'Export several containers as one Compose stack (download)' : 'Preview the Compose export of several containers',
      ...(download ? { query: exportQuerySchema } : {}),
      body: batchExportBodySchema,
      responses: {
        ...common,
        ...(download ? { 200: { description: 'The export as JSON (attachment), or with ?format=zip a zip of the Compose file and its .env', schema: exportResultSchema } } : {}),
        206: { description: 'Some containers could not be exported: the others are, with warnings', schema: exportResultSchema },
        404: { description: 'None of the containers could be exported (ALL_CONTAINERS_FAILED)', schema: errorSchema },
      },
      handler: async ({ body, query, req, res }) => {
        const actor = guard(body, req);
        const ids = [...new Set(body.container_ids)];
        const { targets, failures } = resolveTargets(context, ids);
        const gathered = await gatherInputs(targets, body.include_networks);
        const failed = [...failures, ...gathered.failures];
        if (gathered.inputs.length === 0) {
          throw new AppError(404, 'ALL_CONTAINERS_FAILED', 'None of the containers could be exported', {
            failures: failed.map((failure) => ({ container: failure.requested, code: failure.error.code, error: failure.error.message })),
          });
        }
        const warnings = failed.map((failure) => `Container '${failure.requested}' was not exported: ${failure.error.message}`);
        const exported = build('BATCH_EXPORT_FAILED', () => buildComposeExport(gathered.inputs, optionsOf(body), body.stack_name, warnings));
        auditSecrets(context, exported, actor, download);
        return answer(res, exported, failed.length > 0 ? 206 : 200, download, (query as { format?: string } | undefined)?.format);
      },
    });
  }

  for (const download of [true, false]) {
    api.add({
      method: 'post',
      path: `/api/v1/containers/:id/export${download ? '' : '/preview'}`,
      tag: 'containers',
      summary: download ? 'Export a container as a Docker Compose file (download)' : 'Preview the Compose export of a container',
      params: idParams,
      ...(download ? { query: exportQuerySchema } : {}),
      body: exportBodySchema,
      responses: {
        ...common,
        ...(download ? { 200: { description: 'The export as JSON (attachment), or with ?format=zip a zip of the Compose file and its .env', schema: exportResultSchema } } : {}),
        404: { description: 'No such container (CONTAINER_NOT_FOUND)', schema: errorSchema },
        500: { description: 'The engine failed the inspect (CONTAINER_INSPECT_FAILED) or the export failed (EXPORT_FAILED)', schema: errorSchema },
      },
      handler: async ({ params, body, query, req, res }) => {
        const actor = guard(body, req);
        const { targets, failures } = resolveTargets(context, [params.id]);
        if (failures[0]) throw failures[0].error;
        const gathered = await gatherInputs(targets, body.include_networks);
        if (gathered.failures[0]) throw gathered.failures[0].error;
        const exported = build('EXPORT_FAILED', () => buildComposeExport(gathered.inputs, optionsOf(body)));
        auditSecrets(context, exported, actor, download);
        return answer(res, exported, 200, download, (query as { format?: string } | undefined)?.format);
      },
    });
  }
}

function optionsOf(body: Body): ExportOptions {
  return { sanitizeSecrets: body.sanitize_secrets, includeVolumes: body.include_volumes, includeNetworks: body.include_networks };
}

/** Stored containers on engines of this process; unknown ids and agents' containers become failures. */
function resolveTargets(context: AppContext, ids: readonly string[]): { targets: ExportTarget[]; failures: ExportFailure[] } {
  const sources = new Map<string, DockerComposeSource>();
  const seen = new Set<string>();
  const targets: ExportTarget[] = [];
  const failures: ExportFailure[] = [];
  for (const requested of ids) {
    const container = findContainer(context.store, requested);
    if (!container) {
      failures.push({ requested, error: containerNotFound(requested) });
      continue;
    }
    if (seen.has(container.id)) continue;
    seen.add(container.id);
    const engine = context.engines.get(container.watcher);
    if (!engine || container.agent) {
      failures.push({ requested, error: new AppError(503, 'ENGINE_UNAVAILABLE', `No engine connection for watcher '${container.watcher}'`) });
      continue;
    }
    let source = sources.get(container.watcher);
    if (!source) {
      source = new DockerComposeSource(engine);
      sources.set(container.watcher, source);
    }
    targets.push({ requested, containerId: container.id, source });
  }
  return { targets, failures };
}

function build(code: string, make: () => ComposeExport): ComposeExport {
  try {
    return make();
  } catch (error) {
    throw new AppError(500, code, `Failed to export: ${errorMessage(error)}`);
  }
}

/** JSON (inline for preview, an attachment for export) or the zip archive. */
function answer(res: Response, exported: ComposeExport, status: number, download: boolean, format: string | undefined): Reply | undefined {
  const { result } = exported;
  const base = result.filename.replace(/-compose\.yaml$/, '');
  if (download && format === 'zip') {
    res.status(status).type('application/zip').setHeader('Content-Disposition', `attachment; filename="${base}.zip"`);
    res.send(Buffer.from(exportZip(result)));
    return undefined;
  }
  if (download) res.setHeader('Content-Disposition', `attachment; filename="${base}-export.json"`);
  return new Reply(status, result);
}

/** Who exported which secret names (never their values), for every container that gave any. */
function auditSecrets(context: AppContext, exported: ComposeExport, actor: string | undefined, download: boolean): void {
  for (const entry of exported.revealed) {
    recordAudit(context, {
      action: 'compose-export-secrets',
      containerId: entry.containerId,
      containerName: entry.containerName,
      ...(actor ? { actor } : {}),
      details: { keys: entry.keys, preview: !download },
    });
  }
}
