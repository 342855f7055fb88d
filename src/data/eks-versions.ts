/**
 * Amazon EKS's Kubernetes version calendar: when each minor version was released on EKS, and
 * when its standard support (14 months, as the EKS user guide states) and extended support (12
 * more) end, as endoflife.date/amazon-eks listed them about 2026-02-14. `hindsight upgrade
 * --eks-calendar FILE` replaces it with a newer one (the same fields, as JSON).
 *
 * Prices, per cluster hour: $0.10 in standard support, $0.60 in extended support (AWS,
 * "Amazon EKS extended support for Kubernetes versions pricing", effective April 2024).
 */
export interface EksVersion {
  version: string;
  released: string;
  endOfStandardSupport: string;
  endOfExtendedSupport: string;
}

export const EKS_CALENDAR_DATE = '2026-02-14';

export const EKS_STANDARD_HOURLY_USD = 0.1;
export const EKS_EXTENDED_HOURLY_USD = 0.6;

export const EKS_VERSIONS: readonly EksVersion[] = [
  {
    version: '1.29',
    released: '2024-01-23',
    endOfStandardSupport: '2025-03-23',
    endOfExtendedSupport: '2026-03-23',
  },
  {
    version: '1.30',
    released: '2024-05-23',
    endOfStandardSupport: '2025-07-23',
    endOfExtendedSupport: '2026-07-23',
  },
  {
    version: '1.31',
    released: '2024-09-26',
    endOfStandardSupport: '2025-11-26',
    endOfExtendedSupport: '2026-11-26',
  },
  {
    version: '1.32',
    released: '2025-01-25',
    endOfStandardSupport: '2026-03-23',
    endOfExtendedSupport: '2027-03-23',
  },
  {
    version: '1.33',
    released: '2025-05-28',
    endOfStandardSupport: '2026-07-29',
    endOfExtendedSupport: '2027-07-29',
  },
  {
    version: '1.34',
    released: '2025-10-06',
    endOfStandardSupport: '2026-12-02',
    endOfExtendedSupport: '2027-12-02',
  },
  {
    version: '1.35',
    released: '2026-01-28',
    endOfStandardSupport: '2027-03-27',
    endOfExtendedSupport: '2028-03-27',
  },
];
