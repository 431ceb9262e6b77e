// G1: a seeded generator of login histories and attacks, in the columns of the public RBA data set (user id,
// time, IP, country, ASN, User-Agent), for the evaluation (scripts/risk-eval.ts). Nothing here is production
// data; the world is small but shaped like the real one:
// - users live in a country (weighted by Internet population), log in 0.05–3 times a day at their own hours
//   (local time, one or two peaks), from 1–3 devices (desktop, phone, sometimes tablet) whose browsers update
//   every 4–6 weeks; from home (a residential ISP: a /24 whose address the ISP changes now and then, often
//   IPv6 with a stable /64 and a new interface id each time), a mobile carrier (a new address in a large pool
//   each time), sometimes work; some use a commercial VPN (a hosting ASN, not always in their country), some
//   travel (days in another country on hotel networks, the phone roaming on its home carrier), and some clear
//   cookies (a new device id for the fixed rules);
// - attacks, each on a random victim in the last `testDays`:
//   stuffing — a random country of the world, a hosting ASN or a residential proxy there, a popular User-Agent,
//              any hour;
//   vpn      — the victim's country, a hosting/VPN ASN, a popular User-Agent, the victim's daytime;
//   targeted — the victim's country, a residential ISP there (a third of the time the victim's own ISP), the
//              victim's browser family (and OS, mostly), the victim's daytime.
// A deviceId (not an RBA column) is kept for the fixed rules' "new device" check; attacks never have the
// victim's.

export type AttackClass = 'stuffing' | 'vpn' | 'targeted';
export interface GeneratedLogin {
  id: string;
  userId: string;
  time: string;
  ip: string;
  country: string;
  asn: number;
  userAgent: string;
  deviceId: string;
  label: 'legit' | AttackClass;
}
export interface GeneratorOptions {
  seed: number;
  users?: number;
  days?: number;
  testDays?: number;
  attacksPerClass?: number;
}

/** mulberry32: small, fast, seeded. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const weighted = <T>(xs: readonly (readonly [T, number])[]): T => {
    const total = xs.reduce((s, x) => s + x[1], 0);
    let r = next() * total;
    for (const [x, w] of xs) {
      r -= w;
      if (r <= 0) return x;
    }
    return (xs.at(-1) as readonly [T, number])[0];
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, int, pick, weighted, normal, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof rng>;

interface Country {
  code: string;
  weight: number;
  tz: number;
  residential: number[];
  mobile: number[];
  v6: number;
}
const COUNTRIES: Country[] = [
  {
    code: 'US',
    weight: 30,
    tz: -6,
    residential: [7922, 7018, 701, 20115, 22773],
    mobile: [21928, 22394, 20057],
    v6: 0.5,
  },
  { code: 'DE', weight: 10, tz: 1, residential: [3320, 3209, 6805, 8881], mobile: [3320, 6805], v6: 0.6 },
  { code: 'GB', weight: 8, tz: 0, residential: [2856, 5089, 5607, 13285], mobile: [12576, 25135], v6: 0.4 },
  { code: 'FR', weight: 7, tz: 1, residential: [3215, 12322, 5410, 15557], mobile: [51207, 3215], v6: 0.7 },
  { code: 'IN', weight: 8, tz: 5, residential: [24560, 9829, 45609], mobile: [55836, 45609], v6: 0.6 },
  { code: 'BR', weight: 6, tz: -3, residential: [28573, 18881, 8167], mobile: [26599, 28573], v6: 0.4 },
  { code: 'JP', weight: 5, tz: 9, residential: [4713, 2516, 17676], mobile: [2516, 9605], v6: 0.5 },
  { code: 'CA', weight: 4, tz: -5, residential: [812, 577, 6327], mobile: [812, 577], v6: 0.3 },
  { code: 'NL', weight: 3, tz: 1, residential: [1136, 33915], mobile: [1136, 50266], v6: 0.4 },
  { code: 'ES', weight: 3, tz: 1, residential: [3352, 12479, 12430], mobile: [3352, 12430], v6: 0.2 },
  { code: 'IT', weight: 3, tz: 1, residential: [3269, 30722, 12874], mobile: [30722, 1267], v6: 0.2 },
  { code: 'PL', weight: 2, tz: 1, residential: [5617, 12741, 6830], mobile: [5617, 12912], v6: 0.3 },
  { code: 'AU', weight: 2, tz: 10, residential: [1221, 4804, 7545], mobile: [1221, 4804], v6: 0.3 },
  { code: 'KR', weight: 2, tz: 9, residential: [4766, 9318], mobile: [4766, 9644], v6: 0.1 },
  { code: 'MX', weight: 2, tz: -6, residential: [8151, 13999], mobile: [28403, 8151], v6: 0.3 },
  { code: 'TR', weight: 2, tz: 3, residential: [9121, 47331], mobile: [16135, 15897], v6: 0.1 },
  { code: 'VN', weight: 1, tz: 7, residential: [45899, 7552], mobile: [7552, 45899], v6: 0.3 },
  { code: 'NG', weight: 1, tz: 1, residential: [29465, 36873], mobile: [29465, 37148], v6: 0.05 },
  { code: 'SE', weight: 1, tz: 1, residential: [3301, 2119], mobile: [1257, 3301], v6: 0.3 },
  { code: 'CH', weight: 1, tz: 1, residential: [3303, 6730], mobile: [3303, 15796], v6: 0.4 },
];
/** Hosting and commercial-VPN networks, with exits in many countries. */
const HOSTING = [16509, 14061, 16276, 24940, 9009, 20473, 60068, 51167, 212238, 136787, 396982, 63949];
/** Where naive stuffing comes from: anywhere, somewhat more from big hosting countries. */
const WORLD = [
  ...COUNTRIES.map((c) => [c.code, 1] as const),
  ...(
    ['RU', 'CN', 'UA', 'ID', 'TH', 'PK', 'BD', 'EG', 'AR', 'CO', 'RO', 'SG', 'HK', 'ZA', 'PH', 'MY'] as const
  ).map((c) => [c, 1] as const),
  ['US', 3] as const,
  ['NL', 2] as const,
  ['DE', 2] as const,
];
const TRAVEL_TO = ['US', 'FR', 'ES', 'IT', 'GB', 'DE', 'TR', 'TH', 'MX', 'JP', 'PT', 'GR'];

/** A deterministic /16 for a network in a country: the first two octets of its blocks. */
function block(asn: number, country: string, index: number): [number, number] {
  let h = 2166136261;
  for (const ch of `${asn}/${country}/${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  const first = [
    2, 5, 24, 31, 37, 46, 62, 73, 77, 81, 86, 90, 94, 98, 101, 109, 112, 122, 151, 176, 185, 188, 200, 212,
  ][(h >>> 8) % 24] as number;
  return [first, (h >>> 16) & 0xff];
}
const v4 = (r: Rng, asn: number, country: string, blocks: number) => {
  const [a, b] = block(asn, country, r.int(blocks));
  return `${a}.${b}.${r.int(256)}.${1 + r.int(254)}`;
};
const v6prefix = (asn: number, country: string, r: Rng) => {
  const [a, b] = block(asn, country, r.int(16));
  const hex = (n: number) => n.toString(16);
  return `2a0${hex(a % 10)}:${hex(b * 7 + 1)}:${hex(r.int(65536))}:${hex(r.int(65536))}`;
};
const iid = (r: Rng) => Array.from({ length: 4 }, () => r.int(65536).toString(16)).join(':');

// Browsers: major versions move over time (Chrome/Edge/Firefox every ~4 weeks, Safari with the OS).
type Family =
  | 'chrome-win'
  | 'edge-win'
  | 'firefox-win'
  | 'safari-mac'
  | 'chrome-mac'
  | 'safari-ios'
  | 'chrome-android'
  | 'samsung-android'
  | 'safari-ipad';
function agent(family: Family, version: number, r?: Rng): string {
  const android = r
    ? `${12 + r.int(3)}; ${r.pick(['SM-S911B', 'Pixel 7', 'Pixel 8', 'SM-A546B', 'M2101K6G'])}`
    : '14; Pixel 8';
  switch (family) {
    case 'chrome-win':
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version}.0.0.0 Safari/537.36`;
    case 'edge-win':
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version}.0.0.0 Safari/537.36 Edg/${version}.0.0.0`;
    case 'firefox-win':
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${version}.0) Gecko/20100101 Firefox/${version}.0`;
    case 'safari-mac':
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${17 + (version % 2)}.${version % 6} Safari/605.1.15`;
    case 'chrome-mac':
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version}.0.0.0 Safari/537.36`;
    case 'safari-ios':
      return `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${version % 7} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${version % 7} Mobile/15E148 Safari/604.1`;
    case 'safari-ipad':
      return `Mozilla/5.0 (iPad; CPU OS 17_${version % 7} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${version % 7} Mobile/15E148 Safari/604.1`;
    case 'chrome-android':
      return `Mozilla/5.0 (Linux; Android ${android}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${version}.0.0.0 Mobile Safari/537.36`;
    case 'samsung-android':
      return `Mozilla/5.0 (Linux; Android ${android}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${Math.floor(version / 5)}.0 Chrome/${version}.0.0.0 Mobile Safari/537.36`;
  }
}
const DESKTOPS: (readonly [Family, number])[] = [
  ['chrome-win', 50],
  ['edge-win', 12],
  ['firefox-win', 8],
  ['safari-mac', 18],
  ['chrome-mac', 12],
];
const PHONES: (readonly [Family, number])[] = [
  ['safari-ios', 45],
  ['chrome-android', 40],
  ['samsung-android', 15],
];
const POPULAR: (readonly [Family, number])[] = [...DESKTOPS, ...PHONES];
const isPhone = (f: Family) => f.includes('ios') || f.includes('android');
/** The same browser family on another platform, for the targeted attacker who knows only the family. */
const SAME_FAMILY: Record<Family, Family[]> = {
  'chrome-win': ['chrome-win', 'chrome-mac'],
  'chrome-mac': ['chrome-mac', 'chrome-win'],
  'edge-win': ['edge-win'],
  'firefox-win': ['firefox-win'],
  'safari-mac': ['safari-mac', 'safari-ios'],
  'safari-ios': ['safari-ios', 'safari-mac'],
  'safari-ipad': ['safari-ipad', 'safari-ios'],
  'chrome-android': ['chrome-android', 'chrome-win'],
  'samsung-android': ['samsung-android', 'chrome-android'],
};

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T00:00:00Z');
/** The browser's major version at a time: +1 every 4–6 weeks, per user offset. */
const versionAt = (t: number, lag: number) => 120 + Math.floor((t - START) / (35 * DAY) + lag);

interface Device {
  id: string;
  family: Family;
  weight: number;
  lag: number;
}
interface User {
  id: string;
  country: Country;
  rate: number;
  hours: [number, number, number];
  devices: Device[];
  isp: number;
  homeV6?: string;
  home24: string;
  work?: { asn: number; net: string };
  carrier: number;
  vpn?: { share: number; asn: number; country: string };
  trip?: { from: number; to: number; country: string; asn: number; net: string };
  clears: number;
}

function makeUser(r: Rng, index: number, days: number): User {
  const country = r.weighted(COUNTRIES.map((c) => [c, c.weight] as const));
  const isp = r.pick(country.residential);
  const desktop: Device = { id: `d${index}a`, family: r.weighted(DESKTOPS), weight: 1, lag: r.next() };
  const phone: Device = { id: `d${index}b`, family: r.weighted(PHONES), weight: 1, lag: r.next() };
  const kinds = r.weighted([
    [[desktop], 25],
    [[phone], 30],
    [[desktop, phone], 35],
    [[desktop, phone, { id: `d${index}c`, family: 'safari-ipad' as Family, weight: 0.3, lag: r.next() }], 10],
  ] as const);
  const devices = kinds.map((d) => ({ ...d, weight: d.weight * (0.3 + r.next()) }));
  const peak = 8 + r.int(14);
  const tripStart = r.next() * days * DAY;
  const trip = r.chance(0.15)
    ? (() => {
        const to = r.pick(TRAVEL_TO.filter((c) => c !== country.code));
        const tc = COUNTRIES.find((c) => c.code === to);
        const asn = tc ? r.pick(tc.residential) : r.pick(HOSTING);
        return {
          from: START + tripStart,
          to: START + tripStart + (3 + r.int(8)) * DAY,
          country: to,
          asn,
          net: v4(r, asn, to, 64),
        };
      })()
    : undefined;
  return {
    id: `u${index}`,
    country,
    rate: Math.exp(Math.log(0.35) + 1.0 * r.normal()),
    hours: [peak, r.chance(0.5) ? 8 + r.int(14) : peak, 1 + r.int(3)],
    devices,
    isp,
    ...(r.chance(country.v6) ? { homeV6: v6prefix(isp, country.code, r) } : {}),
    home24: v4(r, isp, country.code, 64),
    ...(r.chance(0.3)
      ? (() => {
          const asn = r.pick(country.residential);
          return { work: { asn, net: v4(r, asn, country.code, 64) } };
        })()
      : {}),
    carrier: r.pick(country.mobile),
    ...(r.chance(0.08)
      ? {
          vpn: {
            share: 0.2 + r.next() * 0.6,
            asn: r.pick(HOSTING),
            country: r.chance(0.6) ? country.code : r.pick(['US', 'NL', 'DE', 'GB', 'CH', 'SE']),
          },
        }
      : {}),
    ...(trip ? { trip } : {}),
    clears: r.chance(0.1) ? 0.15 : 0.01,
  };
}

const same24 = (net: string, r: Rng) => `${net.split('.').slice(0, 3).join('.')}.${1 + r.int(254)}`;
/** A local time at the user's hours, as UTC epoch ms on the given day. */
function timeOnDay(r: Rng, day: number, tz: number, hours: [number, number, number]): number {
  const peak = r.chance(0.5) ? hours[0] : hours[1];
  const local = (peak + hours[2] * r.normal() + 48) % 24;
  return START + day * DAY + (local - tz) * HOUR + r.int(60) * 60_000;
}

function legitLogin(r: Rng, u: User, at: number, seq: number): GeneratedLogin {
  const device = r.weighted(u.devices.map((d) => [d, d.weight] as const));
  const deviceId = r.chance(u.clears) ? `${device.id}-${seq}` : device.id;
  const userAgent = agent(device.family, versionAt(at, device.lag));
  const base = {
    id: `${u.id}-${seq}`,
    userId: u.id,
    time: new Date(at).toISOString(),
    userAgent,
    deviceId,
    label: 'legit' as const,
  };
  const phone = isPhone(device.family);
  if (u.trip && at >= u.trip.from && at < u.trip.to) {
    if (phone && r.chance(0.5))
      return { ...base, ip: v4(r, u.carrier, u.country.code, 128), country: u.country.code, asn: u.carrier };
    return { ...base, ip: same24(u.trip.net, r), country: u.trip.country, asn: u.trip.asn };
  }
  if (u.vpn && r.chance(u.vpn.share)) {
    return { ...base, ip: v4(r, u.vpn.asn, u.vpn.country, 8), country: u.vpn.country, asn: u.vpn.asn };
  }
  const where = r.weighted([
    ['home', phone ? 55 : 80],
    ['mobile', phone ? 40 : 3],
    ['work', u.work ? (phone ? 5 : 17) : 0],
  ] as const);
  if (where === 'mobile')
    return { ...base, ip: v4(r, u.carrier, u.country.code, 128), country: u.country.code, asn: u.carrier };
  if (where === 'work' && u.work)
    return { ...base, ip: same24(u.work.net, r), country: u.country.code, asn: u.work.asn };
  if (u.homeV6 && r.chance(0.8))
    return { ...base, ip: `${u.homeV6}:${iid(r)}`, country: u.country.code, asn: u.isp };
  return { ...base, ip: same24(u.home24, r), country: u.country.code, asn: u.isp };
}

function attack(r: Rng, kind: AttackClass, victim: User, at: number, seq: number): GeneratedLogin {
  const base = { id: `x${seq}`, userId: victim.id, deviceId: `attacker-${seq}`, label: kind };
  const time = (t: number) => new Date(t).toISOString();
  if (kind === 'stuffing') {
    const country = r.weighted(WORLD);
    const asn = r.chance(0.5) ? r.pick(HOSTING) : 100_000 + r.int(60_000);
    const family = r.weighted(POPULAR);
    return {
      ...base,
      time: time(at),
      ip: v4(r, asn, country, 4),
      country,
      asn,
      userAgent: agent(family, versionAt(at, r.next() * 3 - 3), r),
    };
  }
  const c = victim.country;
  const day = Math.floor((at - START) / DAY);
  const t = timeOnDay(r, day, c.tz, [10 + r.int(11), 10 + r.int(11), 2]);
  if (kind === 'vpn') {
    const asn = r.pick(HOSTING);
    return {
      ...base,
      time: time(t),
      ip: v4(r, asn, c.code, 8),
      country: c.code,
      asn,
      userAgent: agent(r.weighted(POPULAR), versionAt(t, r.next()), r),
    };
  }
  const main = [...victim.devices].sort((a, b) => b.weight - a.weight)[0] as Device;
  const family = r.chance(0.7) ? main.family : r.pick(SAME_FAMILY[main.family]);
  const asn = r.chance(1 / 3) ? victim.isp : r.pick(c.residential);
  return {
    ...base,
    time: time(t),
    ip: v4(r, asn, c.code, 64),
    country: c.code,
    asn,
    userAgent: agent(family, versionAt(t, r.next()), r),
  };
}

export interface GeneratedSet {
  /** Successful logins before the test window (H). */
  history: GeneratedLogin[];
  /** Legitimate logins in the test window and the attacks (A), time order. */
  attempts: GeneratedLogin[];
}

export function generate(options: GeneratorOptions): GeneratedSet {
  const r = rng(options.seed);
  const users = options.users ?? 2000;
  const days = options.days ?? 120;
  const testDays = options.testDays ?? 30;
  const perClass = options.attacksPerClass ?? 300;
  const people = Array.from({ length: users }, (_, i) => makeUser(r, i, days));
  const cut = START + (days - testDays) * DAY;
  const history: GeneratedLogin[] = [];
  const attempts: GeneratedLogin[] = [];
  for (const u of people) {
    let seq = 0;
    for (let day = 0; day < days; day++) {
      // Poisson number of logins on this day.
      let k = 0;
      for (let p = Math.exp(-u.rate), s = p, x = r.next(); x > s && k < 20; k++, p *= u.rate / k, s += p);
      for (let i = 0; i < k; i++) {
        const at = timeOnDay(
          r,
          day,
          u.trip && START + day * DAY >= u.trip.from && START + day * DAY < u.trip.to
            ? u.country.tz + 1
            : u.country.tz,
          u.hours,
        );
        const login = legitLogin(r, u, at, seq++);
        (at < cut ? history : attempts).push(login);
      }
    }
  }
  let seq = 0;
  for (const kind of ['stuffing', 'vpn', 'targeted'] as const) {
    for (let i = 0; i < perClass; i++) {
      const victim = r.pick(people);
      attempts.push(attack(r, kind, victim, cut + r.next() * testDays * DAY, seq++));
    }
  }
  const byTime = (a: GeneratedLogin, b: GeneratedLogin) => a.time.localeCompare(b.time);
  return { history: history.sort(byTime), attempts: attempts.sort(byTime) };
}
