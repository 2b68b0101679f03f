# Shared by scripts/test, scripts/demo and scripts/bench. Source it; it defines functions only.

# Prints nothing and returns 0 when everything scripts/install-deps installs is present.
flickrfs_deps_missing() {
  local missing=()
  local mod
  for mod in fuse3 libcurl lmdb oauth openssl simdjson cpp-httplib libjpeg libpng libsystemd; do
    pkg-config --exists "$mod" 2>/dev/null || missing+=("$mod")
  done
  [ -f /usr/include/catch2/catch.hpp ] || missing+=(catch2)
  local cmd
  for cmd in cmake clang-format fusermount3 flickcurl curl rsync openssl jq gio scdoc dpkg-shlibdeps zsh; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
  done
  /usr/bin/python3 -c 'import flickrapi' >/dev/null 2>&1 || missing+=(python3-flickrapi)
  [ ${#missing[@]} -eq 0 ] && return 1
  echo "${missing[*]}"
  return 0
}

# Runs scripts/install-deps once if anything is missing.
flickrfs_ensure_deps() {
  local root="$1" missing
  if missing=$(flickrfs_deps_missing); then
    echo "==> missing: $missing; running scripts/install-deps" >&2
    "$root/scripts/install-deps"
  fi
}

flickrfs_jobs() { nproc 2>/dev/null || echo 2; }
