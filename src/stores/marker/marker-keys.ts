/** The data marker's key. */
export interface MarkerKeys {
  /** One hash that says since when Redis holds Vigil's data; never expires. */
  marker: string;
}

export function markerKeys(prefix: string): MarkerKeys {
  return { marker: `${prefix}marker` };
}
