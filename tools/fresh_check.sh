#!/usr/bin/env bash
# Fresh-machine check: clone the committed course into a temporary folder and run the README's
# quick-start commands there, exactly as written, so a missing install step cannot hide.
#
#   make fresh-check                  # the commands as written (make run uses the quick profile)
#   PROFILE=smoke make fresh-check    # the same commands, with make run on the smoke profile
#   KEEP=1 make fresh-check           # keep the clone afterwards, to look inside
#
# Only committed work is cloned: uncommitted changes are not part of the check.
set -euo pipefail

root=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
readme="$root/README.md"

# The commands: the first ```bash block under "## Quick start", without comments and blank lines.
mapfile -t commands < <(awk '
  /^## / { in_section = ($0 == "## Quick start") }
  in_section && /^```/ { if (in_block) exit; in_block = 1; next }
  in_section && in_block { print }
' "$readme" | sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d')
if [ "${#commands[@]}" -eq 0 ]; then
  echo "fresh-check: found no commands in the \`\`\`bash block under '## Quick start' in README.md." >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/course-fresh-check.XXXXXX")
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then echo "kept the clone in $tmp/course"; else rm -rf -- "$tmp"; fi
}
trap cleanup EXIT

git clone --quiet --no-hardlinks "$root" "$tmp/course"
cd "$tmp/course"
echo "fresh-check: $(git log -1 --format='%h %s') cloned into a temporary folder"
[ -z "$(git -C "$root" status --porcelain)" ] || echo "fresh-check: note: uncommitted changes in $root are not checked"

# A new user's shell: none of the course's settings that this machine may have exported.
unset COURSE_PROFILE COURSE_DATA_DIR COURSE_RESULTS_DIR COURSE_MODELS_DIR VIRTUAL_ENV

total_start=$SECONDS
for command in "${commands[@]}"; do
  echo; echo "fresh-check: \$ $command"
  start=$SECONDS
  if ! bash -c "$command"; then
    echo "fresh-check: FAILED after $((SECONDS - start)) s: \`$command\` (in a fresh clone of the course)" >&2
    exit 1
  fi
  echo "fresh-check: \`$command\` passed in $((SECONDS - start)) s"
done
echo; echo "fresh-check: all ${#commands[@]} quick-start commands passed in a fresh clone, $((SECONDS - total_start)) s in all"
