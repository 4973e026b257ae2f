import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { exec } from './exec.ts';

export interface TlsMaterial {
  readonly folder: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

/** Makes a throwaway CA, a server certificate for 127.0.0.1 and a client certificate with openssl. */
export async function makeTlsMaterial(): Promise<TlsMaterial> {
  const folder = mkdtempSync(join(tmpdir(), 'dd-tls-'));
  const file = (name: string) => join(folder, name);
  const openssl = (...args: string[]) => exec('/usr/bin/openssl', args);
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=dockdeck-test-ca', '-keyout', file('ca.key'), '-out', file('ca.pem'));
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [['server', '/CN=127.0.0.1'], ['client', '/CN=dockdeck-client']] as const) {
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    await openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`));
  }
  return {
    folder,
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
  };
}

/**
 * A TLS endpoint on loopback that requires a client certificate signed by the test CA and
 * forwards the bytes to the local engine socket: a remote engine with `--tlsverify`, for tests.
 */
export async function startTlsEngineProxy(material: TlsMaterial, socketPath = '/var/run/docker.sock'): Promise<{ port: number; server: Server }> {
  const server = createServer(
    {
      cert: readFileSync(material.serverCertFile),
      key: readFileSync(material.serverKeyFile),
      ca: readFileSync(material.caFile),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (tlsSocket) => {
      const engine = connect(socketPath);
      tlsSocket.pipe(engine).pipe(tlsSocket);
      const close = () => {
        tlsSocket.destroy();
        engine.destroy();
      };
      tlsSocket.on('error', close);
      engine.on('error', close);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}
