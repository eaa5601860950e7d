import type { ProxySettings } from '../dxl/config';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Whether NO_PROXY (comma-separated names, suffixes with or without a leading dot, or "*") covers the host. */
function bypassed(host: string, noProxy: string): boolean {
  const lower = host.toLowerCase();
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter((entry) => entry !== '')
    .some((entry) => entry === '*' || lower === entry.replace(/^\./, '') || lower.endsWith(entry.startsWith('.') ? entry : `.${entry}`));
}

/** "http://user:pass@proxy:3128" or "proxy:3128" → ProxySettings. Throws on anything else. */
export function parseProxy(text: string): ProxySettings {
  const url = new URL(text.includes('://') ? text : `http://${text}`);
  if (url.protocol !== 'http:') throw new Error(`only HTTP proxies are supported, not ${url.protocol}//`);
  const port = url.port === '' ? 80 : Number(url.port);
  const proxy: ProxySettings = { address: url.hostname.replace(/^\[|\]$/g, ''), port };
  if (url.username !== '') {
    proxy.user = decodeURIComponent(url.username);
    proxy.password = decodeURIComponent(url.password);
  }
  return proxy;
}

/**
 * The proxy the environment asks for when reaching `host` (HTTPS_PROXY, then HTTP_PROXY, as the
 * official client honours HTTP_PROXY), unless NO_PROXY or loopback says to go direct.
 */
export function proxyFromEnvironment(host: string, env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const value = env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  if (!value || isLoopback(host) || bypassed(host, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  return parseProxy(value);
}
