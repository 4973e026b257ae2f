import { describe, expect, it } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import { gatherInputs, type ExportTarget } from './compose-exporter.ts';
import { exportZip } from './export-zip.ts';
import { CONTAINER_ID, FakeComposeSource, IMAGE, inspectOf, networkOf } from './testing/inspect-fixture.ts';

function sourceWith(...inspects: ReturnType<typeof inspectOf>[]): FakeComposeSource {
  const source = new FakeComposeSource();
  for (const inspect of inspects) source.containers.set(inspect.Id, inspect);
  return source;
}

const target = (source: FakeComposeSource, containerId: string): ExportTarget => ({ requested: containerId.slice(0, 12), containerId, source });

describe('gatherInputs', () => {
  it('reads the container, its image and its user networks', async () => {
    const inspect = inspectOf({ hostConfig: { NetworkMode: 'backend' }, networks: { backend: { Aliases: ['db'] }, bridge: {} } });
    const source = sourceWith(inspect);
    source.images.set(inspect.Image, IMAGE);
    source.networks.set('backend', networkOf('backend'));
    const { inputs, failures } = await gatherInputs([target(source, CONTAINER_ID)], true);
    expect(failures).toEqual([]);
    expect(inputs[0]?.image).toEqual(IMAGE);
    expect([...(inputs[0]?.networks.keys() ?? [])]).toEqual(['backend']);
    // Networks are not read at all when they are not exported.
    expect((await gatherInputs([target(source, CONTAINER_ID)], false)).inputs[0]?.networks.size).toBe(0);
  });

  it('goes on without the image or a network that cannot be read', async () => {
    const inspect = inspectOf({ hostConfig: { NetworkMode: 'flaky' }, networks: { flaky: {} } });
    const source = sourceWith(inspect);
    source.failing.add(inspect.Image);
    source.failing.add('flaky');
    const { inputs, failures } = await gatherInputs([target(source, CONTAINER_ID)], true);
    expect(failures).toEqual([]);
    expect(inputs[0]?.image).toBeUndefined();
    expect(inputs[0]?.networks.size).toBe(0);
  });

  it('turns a missing container into CONTAINER_NOT_FOUND and an engine error into CONTAINER_INSPECT_FAILED, keeping the rest in order', async () => {
    const ids = ['1', '2', '3', '4', '5', '6'].map((digit) => digit.repeat(64));
    const source = sourceWith(...ids.filter((_, index) => index !== 1).map((id, index) => inspectOf({ id, name: `c${index}` })));
    source.failing.add(ids[4]!);
    const { inputs, failures } = await gatherInputs(ids.map((id) => target(source, id)), true);
    expect(inputs.map((input) => input.inspect.Id)).toEqual([ids[0], ids[2], ids[3], ids[5]]);
    expect(failures.map((failure) => [failure.requested, failure.error.status, failure.error.code])).toEqual([
      ['222222222222', 404, 'CONTAINER_NOT_FOUND'],
      ['555555555555', 500, 'CONTAINER_INSPECT_FAILED'],
    ]);
  });

  it('finds the name of the container whose network is shared', async () => {
    const web = inspectOf();
    const sidecar = inspectOf({ id: 'e'.repeat(64), name: 'sidecar', hostConfig: { NetworkMode: `container:${CONTAINER_ID}` } });
    const { inputs } = await gatherInputs([target(sourceWith(web, sidecar), sidecar.Id)], true);
    expect(inputs[0]?.sharedNetworkContainer).toEqual({ id: CONTAINER_ID, name: 'web' });
  });
});

describe('exportZip', () => {
  it('holds the Compose file, the .env and the warnings', () => {
    const zip = exportZip({ format: 'docker-compose', content: 'services: {}\n', filename: 's-compose.yaml', warnings: ["Secret 'A' was sanitized"], env_content: 'A=\n', env_filename: 's.env' });
    const files = unzipSync(zip);
    expect(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, strFromU8(data)]))).toEqual({
      's-compose.yaml': 'services: {}\n',
      's.env': 'A=\n',
      'warnings.txt': "Secret 'A' was sanitized\n",
    });
  });
});
