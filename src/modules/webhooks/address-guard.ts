/**
 * The SSRF guard of webhook deliveries: a webhook URL is chosen by a merchant, so without it kycgate
 * could be made to call its own network (admin ports, databases' HTTP interfaces, cloud metadata).
 *
 * The host is resolved once, every address it resolves to is checked, and the connection is pinned to a
 * checked address (`pinnedLookup`), so a DNS answer that changes between the check and the connect (DNS
 * rebinding) cannot slip a private address in. Cloud metadata endpoints are refused even when private
 * networks are allowed (by `WEBHOOKS_ALLOW_PRIVATE_NETWORKS`, or for a sandbox organization): they hand
 * out the host's credentials.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const METADATA = new BlockList();
METADATA.addAddress('169.254.169.254'); // AWS, GCP, Azure, OpenStack, DigitalOcean…
METADATA.addAddress('169.254.170.2'); // AWS ECS task metadata
METADATA.addAddress('168.63.129.16'); // Azure wire server
METADATA.addAddress('100.100.100.200'); // Alibaba Cloud
METADATA.addAddress('192.0.0.192'); // Oracle Cloud
METADATA.addAddress('fd00:ec2::254', 'ipv6'); // AWS IMDS over IPv6
METADATA.addAddress('fd20:ce::254', 'ipv6'); // GCP metadata over IPv6

/**
 * Names of metadata services, refused before any lookup: inside a cloud they resolve to the addresses
 * above, but a resolver under someone else's control (or /etc/hosts) could point them elsewhere first.
 */
const METADATA_HOSTS = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

/** Whether `host` (a name, lower or upper case, with or without the final dot) is a metadata service's. */
export function isMetadataHost(host: string): boolean {
  return METADATA_HOSTS.has(host.toLowerCase().replace(/\.$/, ''));
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** `::ffff:10.0.0.1` and `::ffff:a00:1` → `10.0.0.1`; anything else unchanged. */
function unmapped(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return address;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Whether a webhook may connect to `address` (an IP literal). */
export function checkAddress(address: string, allowPrivateNetworks: boolean): AddressVerdict {
  const ip = unmapped(address.replace(/^\[|\]$/g, ''));
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (METADATA.check(ip, family)) {
    return { allowed: false, reason: `${ip} is a cloud metadata address` };
  }
  if (!allowPrivateNetworks && PRIVATE.check(ip, family)) {
    return { allowed: false, reason: `${ip} is a loopback, private or link-local address` };
  }
  return { allowed: true };
}

/** A URL's host without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

export class RefusedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddressError';
  }
}

/** Resolves a host name to every address it has (`dns.lookup` with `all`: /etc/hosts, then DNS). */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) => dns.lookup(host, { all: true, verbatim: true });

/** Resolves `host` and checks every address; returns the first, to connect to. */
export async function resolveAllowed(
  host: string,
  allowPrivateNetworks: boolean,
  resolve: Resolver = systemResolver,
): Promise<LookupAddress> {
  if (isMetadataHost(host)) throw new RefusedAddressError(`refused: ${host} is a cloud metadata service`);
  const addresses: LookupAddress[] = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await resolve(host);
  if (addresses.length === 0) throw new RefusedAddressError(`${host} does not resolve`);
  for (const entry of addresses) {
    const verdict = checkAddress(entry.address, allowPrivateNetworks);
    // One bad address refuses the host: the connection could otherwise land on it.
    if (!verdict.allowed) throw new RefusedAddressError(`refused: ${host} resolves to ${verdict.reason}`);
  }
  return addresses[0]!;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** An `http.request` `lookup` that answers with the checked address only. */
export function pinnedLookup(resolved: LookupAddress) {
  return (_hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    if (options.all) callback(null, [resolved]);
    else callback(null, resolved.address, resolved.family);
  };
}
