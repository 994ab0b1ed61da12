// The first capacity indicator of a Location (ror-location-supported-capacity / nbCapacity).
type Json = Record<string, any>;
const CAPACITY = 'ror-location-supported-capacity';

function nbCapacity(location: Json): Json | undefined {
  const capacity = (location.extension ?? []).find((e: Json) => typeof e.url === 'string' && e.url.endsWith(CAPACITY));
  return capacity?.extension?.find((e: Json) => e.url === 'nbCapacity');
}

export function capacityOf(location: Json): number | undefined {
  return nbCapacity(location)?.valueInteger;
}

export function bumpCapacity(location: Json): void {
  const nb = nbCapacity(location);
  if (!nb) throw new Error(`Location/${location.id} has no capacity`);
  nb.valueInteger += 1;
}

export const hasCapacity = (r: Json): boolean => r.resourceType === 'Location' && capacityOf(r) !== undefined;
