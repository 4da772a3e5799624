// Test helper: run a function that must throw DerchainInputError and check the file, line,
// prosumer and field it names (both the properties and the message text).
import assert from 'node:assert/strict';
import { DerchainInputError } from '../../errors/inputError.js';

export interface ExpectedPlace {
  file?: string;
  line?: number;
  prosumer?: string;
  field?: string;
  /** a fragment the reason must contain */
  reason?: RegExp;
}

export function assertInputError(fn: () => unknown, expected: ExpectedPlace): DerchainInputError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof DerchainInputError, `expected a DerchainInputError, got ${caught instanceof Error ? caught.stack : String(caught)}`);
  const err = caught;
  if (expected.file !== undefined) {
    assert.equal(err.file, expected.file, err.message);
    assert.ok(err.message.includes(`file ${expected.file}`), err.message);
  }
  if (expected.line !== undefined) {
    assert.equal(err.line, expected.line, err.message);
    assert.ok(err.message.includes(`line ${expected.line},`) || err.message.includes(`line ${expected.line}:`), err.message);
  }
  if (expected.prosumer !== undefined) {
    assert.equal(err.prosumer, expected.prosumer, err.message);
    assert.ok(err.message.includes(`prosumer ${expected.prosumer}`), err.message);
  }
  if (expected.field !== undefined) {
    assert.equal(err.field, expected.field, err.message);
    assert.ok(err.message.includes(`field ${expected.field}`), err.message);
  }
  if (expected.reason) assert.match(err.reason, expected.reason);
  return err;
}
