/**
 * Removes the first `item` of `list`, keeping the order of the rest; false when it is
 * not there. Moves the later items down (`copyWithin`) and pops the last place, instead of `splice`,
 * which makes an array of what it removed (a subscription's cancel did, on each side:
 * issue 14, short flows).
 */
export function removeItem<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.copyWithin(i, i + 1);
  list.pop();
  return true;
}
