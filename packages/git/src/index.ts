/** @xetrack/git: stamp xetrack rows with the git commit they were produced from (isomorphic-git, no git binary). */
export { gitCommitHash, gitCommitTags } from './git-commit.js';
export { findRepository, type GitRepository } from './git-repository.js';
