/** The known name closest to `name`, if it is close enough to be a likely typo (`SecurityGroup` → `SecurityGroups`). */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  if (!best) return undefined;
  const tolerance = Math.max(2, Math.floor(best.name.length / 4));
  return best.distance <= tolerance ? best.name : undefined;
}

/** "Unknown property X" with a hint, in the words every unknown-name problem uses. */
export function unknownNameProblem(path: string, name: string, known: readonly string[]): string {
  const suggestion = closestName(name, known);
  const hint = suggestion ? `did you mean ${suggestion}?` : `known names: ${known.join(', ')}`;
  return `${path}${name}: unknown property — ${hint}`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
