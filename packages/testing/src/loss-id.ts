/**
 * The id rule for losses: `'<package>/<loss>'` in lowercase `a-z 0-9 . _ -`, the package unscoped
 * (`'xent/focal'`, `'taylor-ce/taylor'`) or scoped (`'@acme/losses/taylor'`).
 */
export const LOSS_ID = /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+\/[a-z0-9._-]+$/;
