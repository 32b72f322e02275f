/**
 * Issuing-state and nationality codes an MRZ may carry: ISO 3166-1 alpha-3, ICAO 9303-3 §5 additions
 * (`D` for Germany, `GBD`/`GBN`/`GBO`/`GBP`/`GBS` British categories, `EUE`, `UNO`/`UNA`/`UNK`,
 * `XXA`/`XXB`/`XXC`/`XXX`, …) and the specimen state `UTO`. Taken from the `mrz` package's list
 * (mrz 5.0.2, lib/generated/states.js) plus `UTO`.
 *
 * The parser does not reject an unknown code (a new state must not make a document unreadable); the
 * reader uses this list only to doubt a reading — `NLO` for `NLD`, `VM` for `VNM` — and ask the fallback
 * engine about it.
 */
export const KNOWN_STATE_CODES: ReadonlySet<string> = new Set(
  [
    'ABW AFG AGO AIA ALA ALB AND ANT ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD ',
    'BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD ',
    'COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE D DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP ',
    'EST ETH EUE FIN FJI FLK FRA FRO FSM GAB GBD GBN GBO GBP GBR GBS GEO GGY GHA GIB GIN GLP GMB GNB ',
    'GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA ',
    'JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC ',
    'MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM ',
    'NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NTZ NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT ',
    'PRY PSE PYF QAT REU RKS ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD ',
    'STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA ',
    'UGA UKR UMI UNA UNK UNO URY USA UTO UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM XBA XCC XCE XCO XDC ',
    'XEC XES XIM XOM XPO XXA XXB XXC XXK XXX YEM ZAF ZMB ZWE ',
  ]
    .join('')
    .trim()
    .split(' '),
);
