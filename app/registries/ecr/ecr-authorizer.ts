import { z } from 'zod';
import { RegistryError } from '../types.ts';
import { readBoundedBody } from '../oci/bounded-body.ts';
import type { FetchLike } from '../oci/http-port.ts';
import { signV4, type AwsKeys } from './sigv4.ts';

const answerSchema = z.object({
  authorizationData: z
    .array(z.object({ authorizationToken: z.string().min(1).max(16_384), expiresAt: z.number().optional() }))
    .min(1)
    .max(10),
});

const REGION = /^[a-z]{2}(?:-[a-z]+){1,2}-\d{1,2}$/;
/** ECR tokens live 12 hours; renew well before. */
const RENEW_BEFORE_MS = 10 * 60 * 1000;

export interface EcrAuthorizerOptions {
  readonly registryName: string;
  readonly region: string;
  readonly keys: AwsKeys;
  readonly fetch: FetchLike;
  readonly now: () => number;
  readonly timeoutMs: number;
}

/** The region of a private ECR host (`<account>.dkr.ecr.<region>.amazonaws.com`). */
export function ecrRegionOf(host: string): string | undefined {
  return /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

/**
 * Turns AWS access keys into registry credentials with ECR's GetAuthorizationToken (signed with
 * SigV4), cached until shortly before the token expires.
 */
export class EcrAuthorizer {
  readonly #options: EcrAuthorizerOptions;
  #cached: { username: string; password: string; renewAt: number } | undefined;
  #pending: Promise<{ username: string; password: string }> | undefined;

  constructor(options: EcrAuthorizerOptions) {
    if (!REGION.test(options.region)) throw new Error(`registry ${options.registryName}: '${options.region.slice(0, 40)}' is not an AWS region`);
    this.#options = options;
  }

  async credentials(): Promise<{ username: string; password: string }> {
    if (this.#cached && this.#cached.renewAt > this.#options.now()) return this.#cached;
    this.#pending ??= this.#fetch().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #fetch(): Promise<{ username: string; password: string }> {
    const { region, keys, registryName } = this.#options;
    const host = `api.ecr.${region}.amazonaws.com`;
    const body = '{}';
    const headers = signV4(
      {
        method: 'POST',
        host,
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken' },
        body,
        region,
        service: 'ecr',
      },
      keys,
      new Date(this.#options.now()),
    );
    delete headers.host; // fetch sets it
    let status: number;
    let text: string;
    try {
      const response = await this.#options.fetch(`https://${host}/`, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.#options.timeoutMs), redirect: 'follow' });
      status = response.status;
      text = (await readBoundedBody(response.body, 64 * 1024)).toString('utf8');
    } catch (error) {
      throw new RegistryError('REGISTRY_UNAVAILABLE', `registry ${registryName}: cannot reach the ECR API in ${region} (${(error as Error).name})`);
    }
    if (status === 400 || status === 401 || status === 403) {
      throw new RegistryError('REGISTRY_AUTH', `registry ${registryName}: AWS refused the access keys (HTTP ${status})`, status);
    }
    if (status !== 200) throw new RegistryError('REGISTRY_UNAVAILABLE', `registry ${registryName}: the ECR API answered HTTP ${status}`, status);
    let parsed: z.infer<typeof answerSchema>;
    try {
      parsed = answerSchema.parse(JSON.parse(text));
    } catch {
      throw new RegistryError('REGISTRY_BAD_RESPONSE', `registry ${registryName}: the ECR API answered something that is not an authorization token`);
    }
    const data = parsed.authorizationData[0];
    const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw new RegistryError('REGISTRY_BAD_RESPONSE', `registry ${registryName}: the ECR authorization token is malformed`);
    const expiresAt = data?.expiresAt !== undefined ? data.expiresAt * 1000 : this.#options.now() + 12 * 3600 * 1000;
    const credentials = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    this.#cached = { ...credentials, renewAt: expiresAt - RENEW_BEFORE_MS };
    return credentials;
  }
}
