// A practice's own OpenID provider, for identity's federation tests: panva `oidc-provider`
// (a certified OP) with one confidential client, PKCE S256 required, its development
// login and consent pages, and accounts given on the command line.
//
// Usage: node idp.mjs [PORT]   (PORT, else IDP_PORT, else 0 = a free port)
//   IDP_CLIENT   {"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]}
//   IDP_ACCOUNTS {"<login>": {"email": "...", "email_verified": true}}
// Prints `listening <issuer>` on stdout once it accepts requests, so a launcher that asked
// for port 0 learns the port without a bind-then-release race.
//
// Besides the provider itself it serves one deliberately wrong discovery document, under
// /mismatched-issuer: the real metadata whose `issuer` claims to be `<issuer>/mismatched-issuer`.
// A relying party configured with that issuer discovers fine, but every ID token it receives
// carries the real issuer: the test of ID-token issuer validation. Nothing else is faked.
//
// Not here: persistence (in-memory adapter), TLS, or anything a real IdP needs in production.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomUUID } from 'node:crypto';

import Provider from 'oidc-provider';

const MISMATCHED = '/mismatched-issuer';

function requireJson(name) {
  const raw = process.env[name];
  if (!raw) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return JSON.parse(raw);
}

const client = requireJson('IDP_CLIENT');
const accounts = requireJson('IDP_ACCOUNTS');
const port = Number(process.argv[2] ?? process.env.IDP_PORT ?? 0);

// RS256, the algorithm of the common hosted IdPs, and a key of this run only: tests never
// need keys to survive a restart.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: client.redirect_uris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    jwks: { keys: [jwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'email'],
    cookies: { keys: [randomUUID()] },
    async findAccount(_ctx, sub) {
      const account = accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, ...account }) };
    },
  });
  const handle = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url === `${MISMATCHED}/.well-known/openid-configuration`) {
      const real = await fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.json());
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...real, issuer: `${issuer}${MISMATCHED}` }));
      return;
    }
    handle(req, res);
  });
  console.log(`listening ${issuer}`);
});
