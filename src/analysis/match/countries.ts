/**
 * Country and region codes as documents write them. MRZs carry ICAO 9303 three-letter codes (ISO 3166-1
 * alpha-3, plus ICAO's own: `D` for Germany, `GBD`…`GBS` for British nationals, `RKS` for Kosovo); the
 * customer record and the KYC settings carry ISO 3166-1 alpha-2. This module maps the former to the latter.
 */

/** ISO 3166-1 alpha-2 → alpha-3, packed as `AA:AAA` pairs (one line per initial letter). */
const ALPHA2_ALPHA3 = `
AD:AND AE:ARE AF:AFG AG:ATG AI:AIA AL:ALB AM:ARM AO:AGO AQ:ATA AR:ARG AS:ASM AT:AUT AU:AUS AW:ABW AX:ALA AZ:AZE
BA:BIH BB:BRB BD:BGD BE:BEL BF:BFA BG:BGR BH:BHR BI:BDI BJ:BEN BL:BLM BM:BMU BN:BRN BO:BOL BQ:BES BR:BRA BS:BHS
BT:BTN BV:BVT BW:BWA BY:BLR BZ:BLZ
CA:CAN CC:CCK CD:COD CF:CAF CG:COG CH:CHE CI:CIV CK:COK CL:CHL CM:CMR CN:CHN CO:COL CR:CRI CU:CUB CV:CPV CW:CUW
CX:CXR CY:CYP CZ:CZE
DE:DEU DJ:DJI DK:DNK DM:DMA DO:DOM DZ:DZA
EC:ECU EE:EST EG:EGY EH:ESH ER:ERI ES:ESP ET:ETH
FI:FIN FJ:FJI FK:FLK FM:FSM FO:FRO FR:FRA
GA:GAB GB:GBR GD:GRD GE:GEO GF:GUF GG:GGY GH:GHA GI:GIB GL:GRL GM:GMB GN:GIN GP:GLP GQ:GNQ GR:GRC GS:SGS GT:GTM
GU:GUM GW:GNB GY:GUY
HK:HKG HM:HMD HN:HND HR:HRV HT:HTI HU:HUN
ID:IDN IE:IRL IL:ISR IM:IMN IN:IND IO:IOT IQ:IRQ IR:IRN IS:ISL IT:ITA
JE:JEY JM:JAM JO:JOR JP:JPN
KE:KEN KG:KGZ KH:KHM KI:KIR KM:COM KN:KNA KP:PRK KR:KOR KW:KWT KY:CYM KZ:KAZ
LA:LAO LB:LBN LC:LCA LI:LIE LK:LKA LR:LBR LS:LSO LT:LTU LU:LUX LV:LVA LY:LBY
MA:MAR MC:MCO MD:MDA ME:MNE MF:MAF MG:MDG MH:MHL MK:MKD ML:MLI MM:MMR MN:MNG MO:MAC MP:MNP MQ:MTQ MR:MRT MS:MSR
MT:MLT MU:MUS MV:MDV MW:MWI MX:MEX MY:MYS MZ:MOZ
NA:NAM NC:NCL NE:NER NF:NFK NG:NGA NI:NIC NL:NLD NO:NOR NP:NPL NR:NRU NU:NIU NZ:NZL
OM:OMN
PA:PAN PE:PER PF:PYF PG:PNG PH:PHL PK:PAK PL:POL PM:SPM PN:PCN PR:PRI PS:PSE PT:PRT PW:PLW PY:PRY
QA:QAT
RE:REU RO:ROU RS:SRB RU:RUS RW:RWA
SA:SAU SB:SLB SC:SYC SD:SDN SE:SWE SG:SGP SH:SHN SI:SVN SJ:SJM SK:SVK SL:SLE SM:SMR SN:SEN SO:SOM SR:SUR SS:SSD
ST:STP SV:SLV SX:SXM SY:SYR SZ:SWZ
TC:TCA TD:TCD TF:ATF TG:TGO TH:THA TJ:TJK TK:TKL TL:TLS TM:TKM TN:TUN TO:TON TR:TUR TT:TTO TV:TUV TW:TWN TZ:TZA
UA:UKR UG:UGA UM:UMI US:USA UY:URY UZ:UZB
VA:VAT VC:VCT VE:VEN VG:VGB VI:VIR VN:VNM VU:VUT
WF:WLF WS:WSM
YE:YEM YT:MYT
ZA:ZAF ZM:ZMB ZW:ZWE
`;

/** ICAO 9303 Part 3 codes that are not ISO alpha-3 (the MRZ pads `D` as `D<<`). */
const ICAO_SPECIAL: Record<string, string> = {
  D: 'DE',
  GBD: 'GB', // British Overseas Territories Citizen
  GBN: 'GB', // British National (Overseas)
  GBO: 'GB', // British Overseas Citizen
  GBP: 'GB', // British Protected Person
  GBS: 'GB', // British Subject
  RKS: 'XK', // Kosovo (user-assigned alpha-2 XK)
};

const ALPHA3_TO_ALPHA2 = new Map<string, string>();
const ALPHA2_CODES = new Set<string>();
for (const pair of ALPHA2_ALPHA3.trim().split(/\s+/)) {
  const [alpha2, alpha3] = pair.split(':') as [string, string];
  ALPHA3_TO_ALPHA2.set(alpha3, alpha2);
  ALPHA2_CODES.add(alpha2);
}
for (const [code, alpha2] of Object.entries(ICAO_SPECIAL)) ALPHA3_TO_ALPHA2.set(code, alpha2);
ALPHA2_CODES.add('XK');

/**
 * ISO 3166-1 alpha-2 for a country as a document or a record writes it: alpha-2 (`de`), alpha-3 (`DEU`) or
 * an ICAO MRZ code (`D<<`, `GBN`). Null for codes that name no country (`UTO` Utopia, `UNO` United
 * Nations, `XXA` stateless) or that are unknown.
 */
export function toAlpha2(code: string | null | undefined): string | null {
  if (!code) return null;
  const upper = code.replace(/</g, '').trim().toUpperCase();
  if (upper.length === 2) return ALPHA2_CODES.has(upper) ? upper : null;
  return ALPHA3_TO_ALPHA2.get(upper) ?? null;
}

/** US states and territories, Canadian provinces and Australian states by name, for region matching. */
// prettier-ignore
const REGION_NAMES: Record<string, Record<string, string>> = {
  US: {
    ALABAMA: 'AL',
    ALASKA: 'AK',
    ARIZONA: 'AZ',
    ARKANSAS: 'AR',
    CALIFORNIA: 'CA',
    COLORADO: 'CO',
    CONNECTICUT: 'CT',
    DELAWARE: 'DE',
    'DISTRICT OF COLUMBIA': 'DC',
    FLORIDA: 'FL',
    GEORGIA: 'GA',
    HAWAII: 'HI',
    IDAHO: 'ID',
    ILLINOIS: 'IL',
    INDIANA: 'IN',
    IOWA: 'IA',
    KANSAS: 'KS',
    KENTUCKY: 'KY',
    LOUISIANA: 'LA',
    MAINE: 'ME',
    MARYLAND: 'MD',
    MASSACHUSETTS: 'MA',
    MICHIGAN: 'MI',
    MINNESOTA: 'MN',
    MISSISSIPPI: 'MS',
    MISSOURI: 'MO',
    MONTANA: 'MT',
    NEBRASKA: 'NE',
    NEVADA: 'NV',
    'NEW HAMPSHIRE': 'NH',
    'NEW JERSEY': 'NJ',
    'NEW MEXICO': 'NM',
    'NEW YORK': 'NY',
    'NORTH CAROLINA': 'NC',
    'NORTH DAKOTA': 'ND',
    OHIO: 'OH',
    OKLAHOMA: 'OK',
    OREGON: 'OR',
    PENNSYLVANIA: 'PA',
    'RHODE ISLAND': 'RI',
    'SOUTH CAROLINA': 'SC',
    'SOUTH DAKOTA': 'SD',
    TENNESSEE: 'TN',
    TEXAS: 'TX',
    UTAH: 'UT',
    VERMONT: 'VT',
    VIRGINIA: 'VA',
    WASHINGTON: 'WA',
    'WEST VIRGINIA': 'WV',
    WISCONSIN: 'WI',
    WYOMING: 'WY',
    'PUERTO RICO': 'PR',
    GUAM: 'GU',
    'AMERICAN SAMOA': 'AS',
    'U.S. VIRGIN ISLANDS': 'VI',
    'NORTHERN MARIANA ISLANDS': 'MP',
  },
  CA: {
    ALBERTA: 'AB',
    'BRITISH COLUMBIA': 'BC',
    MANITOBA: 'MB',
    'NEW BRUNSWICK': 'NB',
    'NEWFOUNDLAND AND LABRADOR': 'NL',
    'NOVA SCOTIA': 'NS',
    ONTARIO: 'ON',
    'PRINCE EDWARD ISLAND': 'PE',
    QUEBEC: 'QC',
    SASKATCHEWAN: 'SK',
    'NORTHWEST TERRITORIES': 'NT',
    NUNAVUT: 'NU',
    YUKON: 'YT',
  },
  AU: {
    'AUSTRALIAN CAPITAL TERRITORY': 'ACT',
    'NEW SOUTH WALES': 'NSW',
    'NORTHERN TERRITORY': 'NT',
    QUEENSLAND: 'QLD',
    'SOUTH AUSTRALIA': 'SA',
    TASMANIA: 'TAS',
    VICTORIA: 'VIC',
    'WESTERN AUSTRALIA': 'WA',
  },
};

/**
 * A comparable region code: upper-cased, accents stripped, the ISO 3166-2 country prefix dropped
 * (`US-AL` → `AL`), and for the United States, Canada and Australia a name mapped to its code
 * (`Alabama` → `AL`, `Québec` → `QC`). Other regions compare by their folded text.
 */
export function normalizeRegion(country: string | null, region: string | null | undefined): string | null {
  if (!region) return null;
  let folded = region.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(/\s+/g, ' ').trim();
  if (!folded) return null;
  const prefix = /^([A-Z]{2})-(.+)$/.exec(folded);
  if (prefix && (!country || prefix[1] === country)) folded = prefix[2] as string;
  const byName = country ? REGION_NAMES[country]?.[folded] : undefined;
  return byName ?? folded;
}
