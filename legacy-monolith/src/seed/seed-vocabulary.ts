/** Word lists the seed builds the shop from. Some names carry `&`, `'` and accents on purpose. */

export interface CategorySpec {
  readonly name: string;
  readonly code: string;
  readonly parent?: string;
  readonly nouns: readonly string[];
  /** Price range in whole dollars. */
  readonly dollars: readonly [number, number];
}

export const CATEGORY_SPECS: readonly CategorySpec[] = [
  {
    name: 'Kitchen',
    code: 'KIT',
    nouns: ['Pepper Mill', 'Cutting Board', 'Colander', 'Tea Kettle', 'Mixing Bowl', 'Spatula'],
    dollars: [5, 120],
  },
  {
    name: 'Cookware',
    code: 'CKW',
    parent: 'Kitchen',
    nouns: ['Skillet', 'Dutch Oven', 'Stock Pot', 'Sauté Pan', 'Wok'],
    dollars: [25, 250],
  },
  {
    name: 'Knives',
    code: 'KNV',
    parent: 'Kitchen',
    nouns: ['Chef Knife', 'Paring Knife', 'Bread Knife', 'Santoku', 'Knife Block'],
    dollars: [15, 180],
  },
  {
    name: 'Home Office',
    code: 'OFF',
    nouns: ['Desk Lamp', 'Monitor Riser', 'Cable Tray', 'Desk Organizer', 'Pen Holder'],
    dollars: [8, 90],
  },
  {
    name: 'Desks',
    code: 'DSK',
    parent: 'Home Office',
    nouns: ['Standing Desk', 'Writing Desk', 'Corner Desk'],
    dollars: [150, 900],
  },
  {
    name: 'Garden',
    code: 'GRD',
    nouns: ['Watering Can', 'Pruning Shears', 'Planter', 'Garden Hose', 'Trowel', 'Seed Tray'],
    dollars: [3, 60],
  },
  {
    name: 'Outdoor',
    code: 'OUT',
    nouns: ['Picnic Blanket', 'Lantern', 'Cooler', 'Hammock', 'Folding Chair'],
    dollars: [15, 150],
  },
  {
    name: 'Camping',
    code: 'CMP',
    parent: 'Outdoor',
    nouns: ['Tent', 'Sleeping Bag', 'Camp Stove', 'Headlamp', 'Water Filter'],
    dollars: [12, 400],
  },
  {
    name: 'Toys & Games',
    code: 'TOY',
    nouns: ['Puzzle', 'Building Set', 'Plush Bear', 'Kite', 'Board Game', 'Yo-Yo'],
    dollars: [4, 80],
  },
  {
    name: 'Books',
    code: 'BKS',
    nouns: ['Cookbook', 'Field Guide', 'Atlas', 'Sketchbook', 'Journal'],
    dollars: [5, 60],
  },
  {
    name: 'Audio',
    code: 'AUD',
    nouns: ['Bluetooth Speaker', 'Headphones', 'Turntable', 'Radio', 'Earbuds'],
    dollars: [19, 399],
  },
  {
    name: 'Lighting',
    code: 'LGT',
    nouns: ['Floor Lamp', 'Pendant Light', 'String Lights', 'Table Lamp', 'Night Light'],
    dollars: [9, 249],
  },
  {
    name: 'Bath',
    code: 'BTH',
    nouns: ['Towel Set', 'Bath Mat', 'Soap Dish', 'Shower Caddy', 'Robe'],
    dollars: [5, 89],
  },
  {
    name: 'Pet Supplies',
    code: 'PET',
    nouns: ['Dog Bed', 'Cat Tree', 'Leash', 'Food Bowl', 'Chew Toy'],
    dollars: [3, 199],
  },
  {
    name: 'Tools',
    code: 'TLS',
    nouns: ['Hammer', 'Screwdriver Set', 'Tape Measure', 'Level', 'Wrench'],
    dollars: [5, 120],
  },
  {
    name: 'Power Tools',
    code: 'PWR',
    parent: 'Tools',
    nouns: ['Cordless Drill', 'Circular Saw', 'Jigsaw', 'Orbital Sander'],
    dollars: [49, 349],
  },
  {
    name: 'Stationery',
    code: 'STN',
    nouns: ['Fountain Pen', 'Pencil Set', 'Washi Tape', 'Envelope Pack', 'Desk Calendar'],
    dollars: [2, 49],
  },
  { name: 'Clearance', code: 'CLR', nouns: ['Mystery Box', 'Gift Set', 'Sample Pack'], dollars: [1, 30] },
];

export const ADJECTIVES = [
  'Classic',
  'Compact',
  'Deluxe',
  'Everyday',
  'Heritage',
  'Modern',
  'Nordic',
  'Rustic',
  'Studio',
  'Urban',
  'Vintage',
  'Weekend',
  'Pro',
  'Mini',
  'Grand',
  'Café',
] as const;

export const MATERIALS = [
  'Oak',
  'Walnut',
  'Bamboo',
  'Steel',
  'Copper',
  'Ceramic',
  'Linen',
  'Cotton',
  'Cast Iron',
  'Glass',
  'Marble',
  'Wool',
  'Oak & Steel',
] as const;

export const BRANDS = [
  'Hartwell',
  'Northbound',
  'Kestrel & Co',
  "O'Malley Works",
  'Lumen',
  'Fernwood',
  'Tallis',
  'Bramble',
  'Arden',
  'Quill & Ink',
  'Meridian',
  'Copperleaf',
] as const;

export const DESCRIPTION_SENTENCES = [
  'Built to last and easy to care for.',
  'A customer favourite since it first arrived.',
  'Designed in small batches and tested at home.',
  'Pairs well with the rest of the range.',
  'Backed by a two-year warranty.',
  'Ships in recycled packaging.',
  'Made with responsibly sourced materials.',
  'Compact enough for small spaces.',
] as const;

export const FIRST_NAMES = [
  'Ava',
  'Ben',
  'Chloé',
  'Dmitri',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Liam',
  'Maria',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sam',
  'Tariq',
] as const;

export const LAST_NAMES = [
  'Garcia',
  'Novak',
  "O'Brien",
  'Schmidt',
  'Tanaka',
  'Okafor',
  'Larsen',
  'Rossi',
  'Dubois',
  'Kim',
  'Patel',
  'Moreau',
  'Silva',
  'Nguyen',
  'Kowalski',
] as const;

export const REVIEW_TITLES: Readonly<Record<number, readonly string[]>> = {
  1: ['Broke after a week', 'Not as described', 'Would not buy again'],
  2: ['Disappointing', 'Okay at best', 'Expected more'],
  3: ['Does the job', 'Fine for the price', 'Average'],
  4: ['Very good', 'Happy with it', 'Solid choice'],
  5: ['Excellent!', 'Love it', 'Best purchase this year'],
};

export const REVIEW_SENTENCES = [
  'Arrived quickly and well packed.',
  'The finish is nicer than in the photos.',
  'Smaller than I expected.',
  'My partner uses it every day.',
  'Customer service replaced a missing part.',
  'The instructions could be clearer.',
  'Good value for money.',
  'It feels sturdy & well made.',
  "I'd recommend it to a friend.",
] as const;
