import { z } from 'zod';
import type { RouteRegistry, ResponseSpec } from './route-registry.ts';

/** Builds the OpenAPI 3.1 document from the registered route specs. */
export function buildOpenApiDocument(registry: RouteRegistry, info: { version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registry.specs) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters = [
      ...objectParameters(spec.params, 'path'),
      ...objectParameters(spec.query, 'query'),
      ...(spec.confirmAction
        ? [{ name: 'X-DD-Confirm-Action', in: 'header', required: true, schema: { type: 'string', const: spec.confirmAction } }]
        : []),
    ];
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      responses: Object.fromEntries(Object.entries(spec.responses).map(([status, response]) => [status, describeResponse(response)])),
    };
    if (parameters.length > 0) operation.parameters = parameters;
    if (spec.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(spec.body) } } };
    }
    (paths[path] ??= {})[spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'dockdeck API', version: info.version, description: 'Container update watcher: containers, updates, events, stats.' },
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'code'],
          properties: { error: { type: 'string' }, code: { type: 'string' } },
        },
      },
    },
  };
}

function describeResponse(response: ResponseSpec): Record<string, unknown> {
  if (response.contentType) {
    return { description: response.description, content: { [response.contentType]: { schema: { type: 'string' } } } };
  }
  if (!response.schema) return { description: response.description };
  return { description: response.description, content: { 'application/json': { schema: toSchema(response.schema, 'output') } } };
}

function objectParameters(schema: z.ZodType | undefined, location: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  const json = toSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function toSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
