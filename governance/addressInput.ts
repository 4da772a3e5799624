// Addresses typed by a person: 0x + 40 hex digits, and when the digits mix upper and lower case
// they must carry a valid EIP-55 checksum, so a one-character typo in a copied address is caught
// instead of opening a proposal for a different account. All-lowercase or all-uppercase input
// carries no checksum and is accepted as is.
import { getAddress, type Address } from 'viem';

/** Why `value` is not acceptable as an address, or undefined. */
export function addressProblem(value: string): string | undefined {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) return 'must be an address (0x + 40 hex digits)';
  const digits = value.slice(2);
  const mixed = /[a-f]/.test(digits) && /[A-F]/.test(digits);
  if (mixed && getAddress(value) !== value) {
    return 'fails its EIP-55 checksum (mixed case that does not match): a typo? copy the address again';
  }
  return undefined;
}

/** The checksummed address, or throws naming `what`. */
export function parseAddressInput(what: string, value: string): Address {
  const problem = addressProblem(value);
  if (problem !== undefined) throw new Error(`${what} ${problem}, got "${value}"`);
  return getAddress(value);
}
