// examples/asset-serializers.ts
import { Tracker } from '@xetrack/core';
import { assetStore, type AssetSerializer } from '@xetrack/assets';

class Model {
  constructor(readonly layers: number[]) {}
  size() {
    return this.layers.reduce((a, b) => a + b, 0);
  }
}
const modelSerializer: AssetSerializer<Model> = {
  name: 'Model', // stored with each asset: keep it stable
  test: (value) => value instanceof Model,
  serialize: (model) => Buffer.from(JSON.stringify(model.layers)),
  deserialize: (data) => new Model(JSON.parse(Buffer.from(data).toString())),
};
const assets = assetStore({ path: 'models.db', serializers: [modelSerializer], compress: true });
const tracker = await Tracker.open('models.db', { assets });
const row = await tracker.log({ model: new Model([64, 32, 10]) });
const model = await assets.get(String(row.model)); // a Model again, methods and all
console.log(model instanceof Model, (model as Model).size());
await tracker.engine.delete('default', []); // drop the rows: nothing references the model now
console.log(await assets.gc({ graceMs: 0 })); // { removed: 1, bytes: 18, kept: 0 }
await tracker.close();
await assets.close(); // a store you pass in is yours to close
