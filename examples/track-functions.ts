// examples/track-functions.ts
import { Tracker } from '@xetrack/core';

const tracker = await Tracker.open('functions.db', { raiseOnError: false });
function train(config: { lr: number; layers: number }, epochs: number) {
  return { loss: 1 / (config.lr * epochs * config.layers) }; // merged into the row as columns
}
await tracker.track(train, { args: [{ lr: 0.1, layers: 3 }, 10] }); // adds config_lr, config_layers
const evaluate = tracker.wrap(async (split: string) => (split === 'test' ? 0.93 : 0.97));
await evaluate('test'); // function_result = 0.93
await tracker.track(() => { throw new Error('diverged'); }); // error logged, not re-thrown here
console.log(await tracker.values('function_name'), await tracker.values('error'));
await tracker.close();
