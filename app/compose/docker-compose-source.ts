import type { EngineConnection } from '../engine/engine-connection.ts';
import type { ContainerInspect, ImageConfig } from '../updates/container-spec.ts';
import { engineStatus } from '../updates/update-engine.ts';
import type { ComposeSource, NetworkInspect } from './types.ts';

/** The export's reads on a real engine; 404 becomes `undefined`, connection failures stay 503. */
export class DockerComposeSource implements ComposeSource {
  readonly #engine: EngineConnection;

  constructor(engine: EngineConnection) {
    this.#engine = engine;
  }

  inspectContainer(id: string): Promise<ContainerInspect | undefined> {
    return this.#missingAsUndefined(async () => (await this.#engine.call((docker) => docker.getContainer(id).inspect())) as unknown as ContainerInspect);
  }

  inspectImage(reference: string): Promise<{ Config: ImageConfig } | undefined> {
    return this.#missingAsUndefined(async () => (await this.#engine.call((docker) => docker.getImage(reference).inspect())) as unknown as { Config: ImageConfig });
  }

  inspectNetwork(name: string): Promise<NetworkInspect | undefined> {
    return this.#missingAsUndefined(async () => (await this.#engine.call((docker) => docker.getNetwork(name).inspect())) as NetworkInspect);
  }

  async #missingAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw error;
    }
  }
}
