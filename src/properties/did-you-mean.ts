/** At most this many names are suggested for an unknown one. */
const MAX_SUGGESTIONS = 3;

/**
 * The known names closest to `name`, nearest first. `likelyTypo` says whether the nearest is close enough to be a
 * typo of it (`SecurityGroup` → `SecurityGroups`); then only the names that close are given.
 */
export function closestNames(name: string, known: readonly string[]): { names: string[]; likelyTypo: boolean } {
  const lower = name.toLowerCase();
  const ranked = known
    .map((candidate) => ({ name: candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  const typos = ranked.filter((candidate) => candidate.distance <= Math.max(2, Math.floor(candidate.name.length / 4)));
  const best = typos[0]?.distance;
  return best === undefined
    ? { names: ranked.slice(0, MAX_SUGGESTIONS).map((candidate) => candidate.name), likelyTypo: false }
    : {
        names: typos
          .filter((candidate) => candidate.distance === best)
          .slice(0, MAX_SUGGESTIONS)
          .map((candidate) => candidate.name),
        likelyTypo: true,
      };
}

/** "Unknown property X" with the closest names (never the whole list), in the words every unknown-name problem uses. */
export function unknownNameProblem(path: string, name: string, known: readonly string[]): string {
  const { names, likelyTypo } = closestNames(name, known);
  const hint = likelyTypo
    ? `did you mean ${names.join(' or ')}?`
    : `the closest known ${names.length === 1 ? 'name is' : 'names are'} ${names.join(', ')}`;
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
