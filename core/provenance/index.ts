/**
 * Helm-compatible provenance files (`NAME-VERSION.tgz.prov`): an OpenPGP clear-signed message holding the
 * chart's metadata and the archive's sha256. Signing and verifying here; keyrings as GnuPG 1 and helm keep them.
 */
export { MAX_PROV_BYTES, parseClearSigned, parseProvenanceBody, provenanceMessage, sha256Hex, type ClearSigned, type ProvenanceBody } from './message.js';
export { findKey, fingerprintOf, readKeyring, unlockKey, type Keyring } from './keyring.js';
export { signChart } from './sign.js';
export { verifyChart, type VerifiedChart, type VerifyNames } from './verify.js';
