/** Only asymmetric algorithms: an HMAC key would have to be shared, and `none` signs nothing. */
export const ACCEPTED_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
];
