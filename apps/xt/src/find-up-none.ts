/**
 * Stands in for `escalade/sync` inside the bundled yargs, which uses it only to find the nearest
 * package.json above the working directory (to guess a version xt sets itself, or for `pkgConf`,
 * which xt does not call). Finding nothing keeps xt from listing every directory up to the root and
 * reading whichever package.json the user's project has, at each start.
 */
export default function findUpNothing(): undefined {
  return undefined;
}
