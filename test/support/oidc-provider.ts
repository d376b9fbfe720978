import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from 'jose';
// oidc-provider ships no type declarations; it is used through a small typed surface below.
import Provider from 'oidc-provider';

/** The resource (audience) Mutual is configured for in the OIDC tests. */
export const MUTUAL_RESOURCE = 'urn:mutual:test';
/** Another resource server of the same provider, that Mutual must not accept tokens for. */
export const OTHER_RESOURCE = 'urn:other:service';

export const CLIENT = { id: 'mutual-test-client', secret: 'a-client-secret-that-is-long-enough-for-tests' };

/** How the provider's JWKS endpoint misbehaves (discovery keeps working): see setJwksOutage. */
export type JwksOutage = 'none' | 'connection-reset' | 'http-503';

export interface TestProvider {
  /** The issuer identifier, e.g. http://127.0.0.1:54321 (no trailing slash). */
  issuer: string;
  port: number;
  /** Makes the JWKS endpoint fail ('connection-reset' drops the socket) until set back to 'none'. */
  setJwksOutage(outage: JwksOutage): void;
  /** A client_credentials access token for the given resource (default MUTUAL_RESOURCE). */
  clientCredentialsToken(resource?: string): Promise<string>;
  close(): Promise<void>;
}

async function signingKey(alg: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = alg;
  jwk.use = 'sig';
  return jwk;
}

/**
 * A real OpenID Provider (oidc-provider) on an ephemeral loopback port, with one confidential
 * client allowed the client_credentials grant and JWT access tokens for resource indicators.
 */
export async function startTestProvider(options: { port?: number } = {}): Promise<TestProvider> {
  // The issuer must be known before the provider is built, so bind the port first.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const keys = [await signingKey('ES256'), await signingKey('RS256')];
  const provider = new Provider(issuer, {
    jwks: { keys },
    clients: [{
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => MUTUAL_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resourceIndicator: string) => {
          if (resourceIndicator !== MUTUAL_RESOURCE && resourceIndicator !== OTHER_RESOURCE)
            throw new Provider.errors.InvalidTarget();
          return {
            scope: 'api',
            audience: resourceIndicator,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 300,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
  });
  provider.on('server_error', (_ctx: unknown, error: unknown) => console.error('oidc-provider server_error', error));
  let outage: JwksOutage = 'none';
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (outage !== 'none' && new URL(req.url ?? '/', issuer).pathname === '/jwks') {
      if (outage === 'connection-reset') req.socket.destroy();
      else res.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
      return;
    }
    handle(req, res);
  });

  return {
    issuer,
    port,
    setJwksOutage(value) {
      outage = value;
    },
    async clientCredentialsToken(resource = MUTUAL_RESOURCE) {
      const basic = Buffer.from(`${encodeURIComponent(CLIENT.id)}:${encodeURIComponent(CLIENT.secret)}`).toString('base64');
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: 'api' }),
      });
      const body = (await response.json()) as { access_token?: string; token_type?: string };
      if (response.status !== 200 || !body.access_token)
        throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
