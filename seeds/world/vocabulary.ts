/**
 * The fixed word lists of the synthetic world: genres with the words that make their titles,
 * descriptions and tags distinctive (so content-based models and TF-IDF have real signal), plans,
 * countries, age bands and devices.
 */

export interface GenreVocabulary {
  name: string;
  /** Share of the catalog whose primary genre this is. */
  catalogShare: number;
  /** Probability a title of this genre is a series rather than a movie. */
  seriesShare: number;
  /** Baseline appeal across all subscribers (shapes exploration and the taste prior). */
  appeal: number;
  adjectives: readonly string[];
  nouns: readonly string[];
  /** Who or what the story follows ("a retired detective"). */
  subjects: readonly string[];
  /** What happens ("uncovers a conspiracy"). */
  plots: readonly string[];
  settings: readonly string[];
  tags: readonly string[];
  /** Maturity ratings for movies and series, most likely first. */
  movieMaturity: readonly string[];
  seriesMaturity: readonly string[];
}

const ADULT_MOVIE = ['R', 'PG-13', 'NC-17'];
const ADULT_SERIES = ['TV-MA', 'TV-14'];
const TEEN_MOVIE = ['PG-13', 'PG', 'R'];
const TEEN_SERIES = ['TV-14', 'TV-PG', 'TV-MA'];
const KIDS_MOVIE = ['G', 'PG'];
const KIDS_SERIES = ['TV-Y7', 'TV-Y', 'TV-G'];

export const GENRES: readonly GenreVocabulary[] = [
  {
    name: 'Action',
    catalogShare: 0.1,
    seriesShare: 0.25,
    appeal: 1.2,
    adjectives: ['Iron', 'Burning', 'Last', 'Rogue', 'Steel', 'Fast'],
    nouns: ['Strike', 'Protocol', 'Fury', 'Vendetta', 'Extraction', 'Siege'],
    subjects: [
      'an ex-commando',
      'a getaway driver',
      'a disgraced bodyguard',
      'a special forces unit',
    ],
    plots: ['fights through a fortified tower', 'races to stop a heist', 'takes down a cartel'],
    settings: ['a lawless port city', 'the mountains of Chechnya', 'a burning skyscraper'],
    tags: ['explosive', 'car chases', 'martial arts', 'adrenaline', 'gunfights'],
    movieMaturity: ADULT_MOVIE,
    seriesMaturity: ADULT_SERIES,
  },
  {
    name: 'Animation',
    catalogShare: 0.06,
    seriesShare: 0.55,
    appeal: 0.8,
    adjectives: ['Little', 'Magic', 'Brave', 'Tiny', 'Wonderful', 'Sparkling'],
    nouns: ['Dragon', 'Robot', 'Kingdom', 'Friends', 'Island', 'Balloon'],
    subjects: ['a curious fox', 'a lonely robot', 'two mischievous siblings', 'a small dragon'],
    plots: [
      'learns the value of friendship',
      'sets out to find a lost home',
      'saves a magical forest',
    ],
    settings: ['a floating island', 'a toy workshop', 'an enchanted valley'],
    tags: ['animated', 'colourful', 'heartwarming', 'talking animals', 'musical'],
    movieMaturity: KIDS_MOVIE,
    seriesMaturity: KIDS_SERIES,
  },
  {
    name: 'Comedy',
    catalogShare: 0.12,
    seriesShare: 0.5,
    appeal: 1.3,
    adjectives: ['Awkward', 'Happy', 'Crazy', 'Lucky', 'Accidental', 'Perfect'],
    nouns: ['Neighbours', 'Wedding', 'Roommates', 'Vacation', 'Office', 'Family'],
    subjects: ['a hapless best man', 'three mismatched roommates', 'an overconfident intern'],
    plots: [
      'bluffs his way through a job interview',
      'tries to save a doomed wedding',
      'fakes a vacation',
    ],
    settings: ['a chaotic newsroom', 'a seaside resort', 'a suburban cul-de-sac'],
    tags: ['witty', 'feel-good', 'sitcom', 'satire', 'slapstick'],
    movieMaturity: TEEN_MOVIE,
    seriesMaturity: TEEN_SERIES,
  },
  {
    name: 'Crime',
    catalogShare: 0.08,
    seriesShare: 0.55,
    appeal: 1.1,
    adjectives: ['Cold', 'Dirty', 'Silent', 'Hidden', 'Broken', 'Crooked'],
    nouns: ['Case', 'Evidence', 'Syndicate', 'Precinct', 'Alibi', 'Verdict'],
    subjects: ['a weary homicide detective', 'a young public defender', 'a mob accountant'],
    plots: ['reopens a cold case', 'infiltrates a crime family', 'chases a serial forger'],
    settings: ['rain-soaked Glasgow', 'the docks of Marseille', 'a corrupt precinct'],
    tags: ['detective', 'gritty', 'investigation', 'mafia', 'courtroom'],
    movieMaturity: ADULT_MOVIE,
    seriesMaturity: ADULT_SERIES,
  },
  {
    name: 'Documentary',
    catalogShare: 0.08,
    seriesShare: 0.45,
    appeal: 0.7,
    adjectives: ['Untold', 'Wild', 'Hidden', 'Real', 'Inside', 'Lost'],
    nouns: ['Planet', 'Story', 'Empire', 'Oceans', 'Files', 'Frontier'],
    subjects: ['marine biologists', 'a record-breaking climber', 'former executives'],
    plots: [
      'reveal how a fraud unfolded',
      'follow migrating whales',
      'document a vanishing glacier',
    ],
    settings: ['the Arctic circle', 'the deep ocean', 'Silicon Valley'],
    tags: ['true story', 'nature', 'investigative', 'history', 'science'],
    movieMaturity: ['PG', 'PG-13', 'G'],
    seriesMaturity: ['TV-PG', 'TV-14', 'TV-G'],
  },
  {
    name: 'Drama',
    catalogShare: 0.14,
    seriesShare: 0.45,
    appeal: 1.3,
    adjectives: ['Quiet', 'Distant', 'Golden', 'Fragile', 'Bitter', 'Tender'],
    nouns: ['Harbor', 'Letters', 'Season', 'Inheritance', 'Promise', 'Homecoming'],
    subjects: ['a grieving widow', 'an estranged father', 'a struggling nurse', 'a young pianist'],
    plots: ['confronts a family secret', 'rebuilds a life after loss', 'fights for custody'],
    settings: ['a fading mill town', 'post-war Vienna', 'a rural hospital'],
    tags: ['emotional', 'character study', 'family drama', 'period piece', 'award-winning'],
    movieMaturity: TEEN_MOVIE,
    seriesMaturity: TEEN_SERIES,
  },
  {
    name: 'Family',
    catalogShare: 0.05,
    seriesShare: 0.35,
    appeal: 0.8,
    adjectives: ['Big', 'Sunny', 'Merry', 'Brave', 'Happy', 'Golden'],
    nouns: ['Adventure', 'Holiday', 'Puppy', 'Treehouse', 'Summer', 'Carnival'],
    subjects: ['a rescue puppy', 'a blended family', 'a young inventor'],
    plots: ['wins the county fair', 'spends a summer at grandma’s farm', 'builds a go-kart'],
    settings: ['a countryside farm', 'a snowy village', 'a summer camp'],
    tags: ['kids', 'wholesome', 'holiday', 'pets', 'coming-of-age'],
    movieMaturity: KIDS_MOVIE,
    seriesMaturity: ['TV-G', 'TV-PG', 'TV-Y7'],
  },
  {
    name: 'Fantasy',
    catalogShare: 0.06,
    seriesShare: 0.5,
    appeal: 1.0,
    adjectives: ['Ancient', 'Enchanted', 'Shadow', 'Crimson', 'Forgotten', 'Eternal'],
    nouns: ['Throne', 'Crown', 'Sorcerer', 'Realm', 'Prophecy', 'Blade'],
    subjects: ['an exiled princess', 'a reluctant sorcerer', 'a band of thieves'],
    plots: ['hunts a cursed relic', 'claims a contested throne', 'defies an ancient prophecy'],
    settings: ['a kingdom of dragons', 'an elven city', 'a haunted forest'],
    tags: ['epic', 'magic', 'dragons', 'quest', 'mythology'],
    movieMaturity: TEEN_MOVIE,
    seriesMaturity: ['TV-14', 'TV-MA'],
  },
  {
    name: 'Horror',
    catalogShare: 0.06,
    seriesShare: 0.3,
    appeal: 0.8,
    adjectives: ['Dark', 'Hollow', 'Cursed', 'Bleeding', 'Whispering', 'Black'],
    nouns: ['House', 'Ritual', 'Woods', 'Asylum', 'Doll', 'Cellar'],
    subjects: ['a paranormal investigator', 'a group of campers', 'a new family'],
    plots: [
      'awakens something beneath the house',
      'is stalked by a masked killer',
      'performs a ritual',
    ],
    settings: ['an abandoned asylum', 'a remote cabin', 'a fog-bound village'],
    tags: ['supernatural', 'slasher', 'haunted', 'gore', 'psychological'],
    movieMaturity: ['R', 'NC-17'],
    seriesMaturity: ['TV-MA'],
  },
  {
    name: 'Reality',
    catalogShare: 0.05,
    seriesShare: 0.95,
    appeal: 0.9,
    adjectives: ['Ultimate', 'Real', 'Extreme', 'Dating', 'Million', 'Hot'],
    nouns: ['Kitchen', 'Island', 'Makeover', 'Challenge', 'Hustle', 'Love'],
    subjects: ['twelve amateur chefs', 'singles on a tropical island', 'real-estate agents'],
    plots: ['compete for a cash prize', 'look for love', 'flip houses against the clock'],
    settings: ['a luxury villa', 'a professional kitchen', 'Los Angeles'],
    tags: ['competition', 'dating', 'cooking', 'unscripted', 'lifestyle'],
    movieMaturity: ['PG-13'],
    seriesMaturity: ['TV-14', 'TV-PG'],
  },
  {
    name: 'Romance',
    catalogShare: 0.07,
    seriesShare: 0.35,
    appeal: 1.0,
    adjectives: ['Sweet', 'Secret', 'Endless', 'Summer', 'First', 'Midnight'],
    nouns: ['Love', 'Kiss', 'Affair', 'Heart', 'Letter', 'Dance'],
    subjects: ['a small-town baker', 'two rival architects', 'a travelling violinist'],
    plots: ['falls for a stranger', 'rekindles a first love', 'fakes an engagement'],
    settings: ['a Tuscan vineyard', 'snowy Montreal', 'a seaside bookshop'],
    tags: ['love story', 'romantic comedy', 'heartfelt', 'slow burn', 'second chances'],
    movieMaturity: TEEN_MOVIE,
    seriesMaturity: TEEN_SERIES,
  },
  {
    name: 'Sci-Fi',
    catalogShare: 0.08,
    seriesShare: 0.45,
    appeal: 1.0,
    adjectives: ['Quantum', 'Silent', 'Distant', 'Neon', 'Synthetic', 'Orbital'],
    nouns: ['Signal', 'Horizon', 'Colony', 'Frontier', 'Paradox', 'Machine'],
    subjects: ['a stranded astronaut', 'a rogue android', 'a crew of miners'],
    plots: ['decodes an alien signal', 'escapes a time loop', 'fights a machine uprising'],
    settings: ['a generation ship', 'a terraformed Mars', 'a dystopian megacity'],
    tags: ['space', 'time travel', 'dystopia', 'artificial intelligence', 'cyberpunk'],
    movieMaturity: TEEN_MOVIE,
    seriesMaturity: TEEN_SERIES,
  },
  {
    name: 'Thriller',
    catalogShare: 0.1,
    seriesShare: 0.4,
    appeal: 1.2,
    adjectives: ['Silent', 'Deadly', 'Hidden', 'Final', 'Twisted', 'Perfect'],
    nouns: ['Witness', 'Conspiracy', 'Stranger', 'Target', 'Deception', 'Trap'],
    subjects: ['a hunted whistleblower', 'a sleepless journalist', 'a double agent'],
    plots: ['exposes a conspiracy', 'is framed for murder', 'must trust a stranger'],
    settings: ['a snowbound hotel', 'Cold War Berlin', 'a cruise ship'],
    tags: ['suspense', 'twist ending', 'espionage', 'mind-bending', 'tense'],
    movieMaturity: ADULT_MOVIE,
    seriesMaturity: ADULT_SERIES,
  },
  {
    name: 'Anime',
    catalogShare: 0.05,
    seriesShare: 0.85,
    appeal: 0.6,
    adjectives: ['Blue', 'Spirit', 'Final', 'Steel', 'Crimson', 'Infinite'],
    nouns: ['Academy', 'Samurai', 'Hunter', 'Titan', 'Mecha', 'Blossom'],
    subjects: ['a teenage swordsman', 'a demon hunter', 'a class of gifted students'],
    plots: ['enters a deadly tournament', 'avenges a fallen clan', 'pilots a giant mecha'],
    settings: ['a futuristic Tokyo', 'a spirit world', 'a floating academy'],
    tags: ['shonen', 'mecha', 'isekai', 'slice of life', 'battle'],
    movieMaturity: TEEN_MOVIE,
    seriesMaturity: TEEN_SERIES,
  },
];

export const GENRE_NAMES: readonly string[] = GENRES.map((g) => g.name);

export const PLANS = ['BASIC', 'STANDARD', 'PREMIUM'] as const;
export type PlanName = (typeof PLANS)[number];

/** Monthly list prices in cents, indexed like PLANS, before any price increase. */
export const PLAN_FEES_CENTS: readonly number[] = [799, 1399, 1999];
/** Share of new subscribers choosing each plan. */
export const PLAN_MIX: readonly number[] = [0.35, 0.45, 0.2];
/** Price step of the increase wave per plan, in cents. */
export const PRICE_STEP_CENTS: readonly number[] = [100, 200, 300];

export const DEVICES = ['TV', 'MOBILE', 'WEB', 'TABLET'] as const;
export type DeviceName = (typeof DEVICES)[number];
export const DEVICE_MIX: readonly number[] = [0.45, 0.3, 0.15, 0.1];

export const COUNTRIES: readonly string[] = 'US GB CA DE FR ES IT BR MX IN JP AU'.split(' ');
export const COUNTRY_MIX: readonly number[] = [28, 10, 6, 9, 7, 6, 5, 9, 5, 7, 4, 4];

export const AGE_BANDS: readonly string[] = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'];
export const AGE_MIX: readonly number[] = [16, 27, 23, 16, 11, 7];

/**
 * Taste tilt per age band (multiplies a genre's prior weight): the young lean to Anime, Horror and
 * Animation, older subscribers to Documentary, Drama and Crime. Keys are genre names.
 */
export const AGE_TASTE_TILT: readonly Readonly<Record<string, number>>[] = [
  { Anime: 3, Horror: 2, Animation: 1.5, Reality: 1.5, Documentary: 0.5 },
  { Anime: 1.5, Horror: 1.5, 'Sci-Fi': 1.3, Comedy: 1.2 },
  { Family: 2, Animation: 1.8, Comedy: 1.2 },
  { Crime: 1.4, Thriller: 1.3, Drama: 1.2, Anime: 0.5 },
  { Documentary: 2, Drama: 1.5, Crime: 1.5, Anime: 0.3, Horror: 0.5 },
  { Documentary: 2.5, Drama: 2, Romance: 1.3, Anime: 0.2, Horror: 0.3 },
];

/** Words for made-up title names that do not belong to one genre. */
export const NAME_PATTERNS: readonly string[] = [
  'The {adj} {noun}',
  '{adj} {noun}',
  'The {noun}',
  '{noun} of the {adj2}',
  'A {adj} {noun}',
];
export const SECOND_WORDS: readonly string[] = [
  'North',
  'Night',
  'Sea',
  'Past',
  'Dawn',
  'Storm',
  'River',
  'Valley',
  'Moon',
  'Empire',
];
