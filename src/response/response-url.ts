import { ResponseUrlRefusedError } from '../shared/errors';

/** Where CloudFormation's presigned S3 ResponseURLs point. */
const AWS_HOST_SUFFIXES = ['.amazonaws.com', '.amazonaws.com.cn'];

/**
 * Checks a ResponseURL before anything is sent to it: https on an AWS host, or — when the environment variable
 * RESPONSE_URL_ALLOWED_HOSTS (comma-separated host names) is set for local testing — one of those hosts, where
 * plain http is allowed for loopback hosts only. Throws ResponseUrlRefusedError otherwise.
 */
export function checkResponseUrl(responseUrl: unknown, allowedHostsSetting: string | undefined): URL {
  if (typeof responseUrl !== 'string') throw new ResponseUrlRefusedError('The request has no ResponseURL');
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    throw new ResponseUrlRefusedError('The ResponseURL is not a valid URL');
  }
  const host = url.hostname.toLowerCase();
  const allowedHosts = allowedHostsSetting
    ?.split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
  if (allowedHosts && allowedHosts.length > 0) {
    if (!allowedHosts.includes(host)) {
      throw new ResponseUrlRefusedError(`The ResponseURL's host ${host} is not in RESPONSE_URL_ALLOWED_HOSTS`);
    }
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(host))) return url;
    throw new ResponseUrlRefusedError(
      `The ResponseURL must use https (http only for loopback hosts), not ${url.protocol}`,
    );
  }
  if (url.protocol !== 'https:')
    throw new ResponseUrlRefusedError(`The ResponseURL must use https, not ${url.protocol}`);
  if (!AWS_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    throw new ResponseUrlRefusedError(
      `The ResponseURL's host ${host} is not an AWS host (*.amazonaws.com, *.amazonaws.com.cn)`,
    );
  }
  return url;
}

/** The URL without its query string (the presigned signature), for logs. */
export function redactUrl(responseUrl: unknown): string {
  if (typeof responseUrl !== 'string') return String(responseUrl);
  try {
    const url = new URL(responseUrl);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
