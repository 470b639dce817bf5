/** Word lists for readable run ids in Python xetrack's shape: `adjective-animal-0042`. */
const ADJECTIVES = `able agile amber ancient apt arctic astute austere azure bold brave breezy bright brisk calm candid
careful cheerful chief clever cosmic crimson crisp curious dapper daring deft devout dusty eager earnest elegant
emerald epic exotic fair fancy fearless fervent fierce fine flying fond frank free fresh friendly frosty gentle
giant gifted glad gleaming golden graceful grand great green happy hardy hasty hidden honest humble icy idle
jolly jovial keen kind lively loyal lucid lucky magic majestic mellow merry mighty misty modest nimble noble
olive orange patient peaceful placid plucky polite proud quick quiet radiant rapid rare ready regal robust rosy
royal rustic sage scarlet serene sharp shiny silent silver simple sleek smart snowy solar spry stable steady
stellar stoic sturdy subtle sunny superb swift tidy tiny tranquil true upbeat valiant vast vivid warm wise witty
zany zealous zesty`.split(/\s+/);

const ANIMALS = `aardvark albatross alpaca anteater antelope armadillo axolotl badger barracuda bat beaver bison bobcat
buffalo butterfly camel capybara caribou cassowary cat cheetah chinchilla cobra condor cormorant cougar coyote crab
crane crocodile crow dingo dolphin donkey dove dragonfly duck eagle eel egret elephant elk emu falcon ferret finch
flamingo fox frog gazelle gecko gerbil gibbon giraffe gnu goat goose gopher gorilla grouse gull hamster hare hawk
hedgehog heron hippo hornet horse hummingbird hyena ibis iguana impala jackal jaguar jellyfish kangaroo kestrel
kingfisher kiwi koala lemur leopard lion lizard llama lobster lynx macaw magpie manatee mandrill marmot meerkat
mink mole mongoose moose narwhal newt ocelot octopus okapi opossum orca oriole osprey ostrich otter owl ox panda
panther parrot peacock pelican penguin pheasant pigeon platypus porcupine puffin puma pudu quail rabbit raccoon
raven reindeer rhino robin salamander seal shark sheep shrew skunk sloth snail sparrow squid squirrel starling
stork swan tapir tiger toucan turkey turtle viper vulture walrus warthog weasel whale wolf wombat woodpecker yak
zebra`.split(/\s+/);

/** A new run id such as `brave-otter-0042` (the suffix is 0000..9999, as in Python xetrack). */
export function generateTrackId(): string {
  // node:crypto loaded at the first id, not at import: readers (xt head) never need one
  const { randomInt } = process.getBuiltinModule('node:crypto');
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)]!;
  const animal = ANIMALS[randomInt(ANIMALS.length)]!;
  return `${adjective}-${animal}-${String(randomInt(10_000)).padStart(4, '0')}`;
}
