#!/usr/bin/env bash
# Install TeX Live, latexmk, poppler-utils and pandoc (nbconvert's markdown to LaTeX, for Problem 4's notebook)
# from the distribution when they are missing (Debian/Ubuntu).
set -euo pipefail
PKGS="latexmk texlive-latex-extra texlive-fonts-recommended lmodern poppler-utils latexdiff pandoc"
have_all() {
  command -v pandoc >/dev/null && command -v latexmk >/dev/null && command -v pdflatex >/dev/null && command -v pdftotext >/dev/null &&
    kpsewhich lmodern.sty listings.sty tikz.sty enumitem.sty booktabs.sty fvextra.sty adjustbox.sty >/dev/null 2>&1 &&
    [ "$(kpsewhich lmodern.sty listings.sty tikz.sty enumitem.sty booktabs.sty fvextra.sty adjustbox.sty | wc -l)" -eq 7 ]
}
have_all && exit 0
if ! command -v apt-get >/dev/null; then
  echo "TeX Live is missing and this is not a Debian/Ubuntu system. Install TeX Live with latexmk," >&2
  echo "lmodern, listings, pgf/tikz, enumitem and booktabs, plus poppler-utils, then run make again." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "TeX Live is missing. As root, run:  apt-get install -y $PKGS" >&2
    exit 1
  fi
fi
echo "Installing TeX Live from the distribution: $PKGS"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $PKGS >/dev/null
have_all || { echo "TeX Live installed, but a package is still missing (see kpsewhich above)" >&2; exit 1; }
