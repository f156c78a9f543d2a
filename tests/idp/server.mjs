// A real OpenID Connect provider (npm `oidc-provider`) on 127.0.0.1, for ccauth's sign-in engine
// tests. It speaks only to the loopback interface and needs no network.
//
//   node tests/idp/server.mjs            # prints `LISTENING <port>` once it accepts connections
//
// Environment (all optional):
//   IDP_PORT              port to listen on (default 0: the kernel picks one)
//   IDP_ACCESS_TOKEN_TTL  access token lifetime in seconds (default 3600)
//   IDP_DEVICE_INTERVAL   device-code polling interval in seconds, sent to clients and enforced
//                         with `slow_down` (default 1)
//
// Clients (public, native, PKCE required, refresh tokens rotate on every use):
//   ccauth-test        login and consent are completed at once for ada@example.com
//   ccauth-test-deny   the user declines: every authorization ends with `access_denied`
//
// Every token endpoint request is counted; `GET /test/stats` returns the counts as JSON so tests
// can prove that exactly one code exchange happened.

import { fstatSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number.parseInt(process.env.IDP_PORT ?? '0', 10);
const accessTokenTtl = Number.parseInt(process.env.IDP_ACCESS_TOKEN_TTL ?? '3600', 10);
const deviceInterval = Number.parseInt(process.env.IDP_DEVICE_INTERVAL ?? '1', 10);

const ACCOUNT = {
  accountId: 'ada',
  claims: {
    sub: 'ada',
    email: 'ada@example.com',
    email_verified: true,
    name: 'Ada Lovelace',
  },
};

const DENY_CLIENT = 'ccauth-test-deny';

const nativeClient = (clientId) => ({
  client_id: clientId,
  client_name: `ccauth tests (${clientId})`,
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  // RFC 8252 7.3: for native clients oidc-provider accepts any port on a loopback redirect URI.
  redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
  grant_types: [
    'authorization_code',
    'refresh_token',
    'urn:ietf:params:oauth:grant-type:device_code',
  ],
  response_types: ['code'],
});

const stats = {
  token_requests: 0,
  by_grant: {},
};

// Device codes polled too early get `slow_down` (RFC 8628 3.5), as real gateways do.
const lastPoll = new Map();

function start(issuerPort) {
  const issuer = `http://127.0.0.1:${issuerPort}`;
  const provider = new Provider(issuer, {
    clients: [nativeClient('ccauth-test'), nativeClient(DENY_CLIENT)],
    async findAccount(_ctx, sub) {
      if (sub !== ACCOUNT.accountId) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { ...ACCOUNT.claims };
        },
      };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // Put the profile claims in the ID token too, so the engine can say who signed in.
    conformIdTokenClaims: false,
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: {
        enabled: true,
        // The defaults only nag in the log; these pages are what a test "browser" reads.
        async userCodeInputSource(ctx, form) {
          ctx.body = `<!DOCTYPE html><html><body><h1>Enter code</h1>${form}</body></html>`;
        },
        async userCodeConfirmSource(ctx, form, _client, _info, userCode) {
          ctx.body = `<!DOCTYPE html><html><body><h1>Confirm ${userCode}</h1>${form}</body></html>`;
        },
        async successSource(ctx) {
          ctx.body = '<!DOCTYPE html><html><body><h1>Device signed in</h1></body></html>';
        },
      },
      revocation: { enabled: true },
    },
    issueRefreshToken: async () => true,
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: accessTokenTtl,
      AuthorizationCode: 120,
      DeviceCode: 600,
      IdToken: 3600,
      RefreshToken: 86400,
      Grant: 86400,
      Interaction: 600,
      Session: 86400,
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    cookies: { keys: ['ccauth-test-idp-cookie-key'] },
  });
  provider.proxy = false;

  // Count token requests and enforce the device polling interval.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/token' && ctx.method === 'POST') {
      stats.token_requests += 1;
    }
    await next();
    if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      ctx.body = { ...ctx.body, interval: deviceInterval };
    }
  });

  provider.on('grant.success', (ctx) => {
    const grant = ctx.oidc.params?.grant_type ?? 'unknown';
    stats.by_grant[grant] = (stats.by_grant[grant] ?? 0) + 1;
  });
  provider.on('grant.error', (ctx, error) => {
    const grant = ctx.oidc.params?.grant_type ?? 'unknown';
    const key = `${grant}:${error.error ?? 'error'}`;
    stats.by_grant[key] = (stats.by_grant[key] ?? 0) + 1;
  });

  const handleInteraction = async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const clientId = details.params.client_id;
    let result;
    if (clientId === DENY_CLIENT) {
      result = { error: 'access_denied', error_description: 'The test user declined.' };
    } else if (details.prompt.name === 'login') {
      result = { login: { accountId: ACCOUNT.accountId } };
    } else if (details.prompt.name === 'consent') {
      const missing = details.prompt.details;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      if (missing.missingResourceScopes) {
        for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) {
          grant.addResourceScope(indicator, scopes.join(' '));
        }
      }
      result = { consent: { grantId: await grant.save() } };
    } else {
      result = { error: 'login_required', error_description: 'unexpected prompt' };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  };

  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      if (url.pathname.startsWith('/interaction/')) {
        await handleInteraction(req, res);
        return;
      }
      if (url.pathname === '/test/stats' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(stats));
        return;
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const tooEarly = await deviceCodePolledTooEarly(req);
        if (tooEarly) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'slow_down', error_description: 'polling too quickly' }));
          return;
        }
      }
      callback(req, res);
    } catch (error) {
      console.error(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('test IdP error');
    }
  });
  return server;
}

// Reads the form body and checks the device polling interval. The body is handed on as
// `req.body`, which oidc-provider reads when the stream has already been consumed.
async function deviceCodePolledTooEarly(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  req.body = body.toString('utf8');
  const params = new URLSearchParams(body.toString('utf8'));
  if (params.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:device_code') return false;
  const code = params.get('device_code') ?? '';
  const now = Date.now();
  const last = lastPoll.get(code);
  lastPoll.set(code, now);
  return last !== undefined && now - last < deviceInterval * 1000 - 50;
}

// Find the port first when asked for 0, so the issuer URL carries the real port.
const probe = http.createServer();
probe.listen(port, '127.0.0.1', () => {
  const chosen = probe.address().port;
  probe.close(() => {
    const server = start(chosen);
    server.listen(chosen, '127.0.0.1', () => {
      process.stdout.write(`LISTENING ${chosen}\n`);
    });
  });
});

// Exit when the test harness that started us goes away (its pipe to our stdin closes), even if
// it was killed before it could stop us. Started by hand, stdin is a terminal or /dev/null.
if (fstatSync(0).isFIFO()) {
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}
process.on('SIGTERM', () => process.exit(0));
