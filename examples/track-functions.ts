// examples/track-functions.ts
import { Tracker } from '@xetrack/core';

const tracker = await Tracker.open('functions.db', { raiseOnError: false });
function train(config: { lr: number; layers: number }, epochs: number) {
  return { loss: 1 / (config.lr * epochs * config.layers) }; // merged into the row as columns
}
await tracker.track(train, { args: [{ lr: 0.1, layers: 3 }, 10] }); // adds config_lr, config_layers
const evaluate = tracker.wrap(async (split: string) => (split === 'test' ? 0.93 : 0.97), { name: 'evaluate' });
await evaluate('test'); // function_result = 0.93; an inline function needs `name` (else 'anonymous', and a warning)
const model = { w: 2, predict(x: number) { return x * this.w; } };
await tracker.track(model.predict.bind(model), { args: [4] }); // function_name 'predict', not 'bound predict'
await tracker.track(() => { throw new Error('diverged'); }, { name: 'diverge' }); // error logged, not re-thrown here
console.log(await tracker.values('function_name'), await tracker.values('error'));
const [first] = await tracker.toRows(); // rows carry track()'s columns in their type
console.log('train took', first?.function_time, 'seconds');
await tracker.close();
