import { textWidth } from './text-width.js';

/**
 * Stands in for the `string-width` package inside the bundled yargs: string-width builds two
 * `Intl.Segmenter`s and Unicode-property regexes when it loads, which cost more start-up time than
 * the rest of `xt head`. Help text only needs terminal columns, which `textWidth` gives.
 */
export default function stringWidth(text: string): number {
  return typeof text === 'string' ? textWidth(text) : 0;
}
