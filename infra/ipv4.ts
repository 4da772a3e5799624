// IPv4 address and CIDR arithmetic for the stack program: parsing, carving a VPC block into
// equal subnets, and picking fixed host addresses (validators get fixed private IPs so that the
// generated enode URLs and static-nodes lists are known before any instance exists).

export interface Ipv4Cidr {
  /** network address as an unsigned 32-bit integer */
  base: number;
  /** prefix length, 0..32 */
  prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(text: string): number {
  const m = IPV4.exec(text.trim());
  if (!m) throw new Error(`not an IPv4 address: ${text}`);
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) throw new Error(`not an IPv4 address: ${text}`);
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses "a.b.c.d/n"; the host bits must be zero (a network address). */
export function parseCidr(text: string): Ipv4Cidr {
  const [addr, len, ...rest] = text.trim().split('/');
  if (addr === undefined || len === undefined || rest.length > 0 || !/^\d{1,2}$/.test(len)) {
    throw new Error(`not an IPv4 CIDR block: ${text}`);
  }
  const prefix = Number(len);
  if (prefix > 32) throw new Error(`not an IPv4 CIDR block: ${text}`);
  const base = parseIpv4(addr);
  if (base % blockSize(prefix) !== 0) throw new Error(`${text} has host bits set; use the network address`);
  return { base, prefix };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** The index-th block of prefix+newBits inside cidr. */
export function subnetOf(cidr: Ipv4Cidr, newBits: number, index: number): Ipv4Cidr {
  const prefix = cidr.prefix + newBits;
  if (prefix > 32) throw new Error(`cannot split /${cidr.prefix} by ${newBits} more bits`);
  if (index < 0 || index >= 2 ** newBits) throw new Error(`subnet index ${index} out of range for ${newBits} bits`);
  return { base: cidr.base + index * blockSize(prefix), prefix };
}

/** The n-th address of the block (0 is the network address). */
export function hostOf(cidr: Ipv4Cidr, n: number): string {
  if (n < 0 || n >= blockSize(cidr.prefix)) throw new Error(`host ${n} outside ${formatCidr(cidr)}`);
  return formatIpv4(cidr.base + n);
}

export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base < outer.base + blockSize(outer.prefix);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
