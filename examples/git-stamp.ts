// examples/git-stamp.ts
import { Tracker } from '@xetrack/core';
import { gitCommitHash, gitCommitTags } from '@xetrack/git';

// Every row gets git_commit_hash: the HEAD commit of the repository this file is in.
const tracker = await Tracker.open('stamped.db', { gitRoot: import.meta.dirname });
await tracker.log({ accuracy: 0.91 });
console.log('row commit', (await tracker.toRows())[0]?.git_commit_hash);
console.log('HEAD', await gitCommitHash(import.meta.dirname), 'tags', await gitCommitTags(import.meta.dirname));
await tracker.close();
