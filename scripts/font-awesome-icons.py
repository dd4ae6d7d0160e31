#!/usr/bin/env python3
"""Writes src/render/icons/font-awesome-free.tsv from an unpacked
@fortawesome/fontawesome-free npm package, the icons GitBook's `icon:`
front matter and block attributes name.

    npm pack @fortawesome/fontawesome-free@7.3.1 && tar xzf fortawesome-*.tgz
    python3 scripts/font-awesome-icons.py package > src/render/icons/font-awesome-free.tsv

Lines: `style<TAB>name<TAB>width<TAB>path` for each icon (every icon is
`width` by 512 with one path), then `alias<TAB>name<TAB>canonical` for
Font Awesome's older names. Icons are CC BY 4.0 (Fonticons, Inc.); folio
keeps the attribution in the sprite it publishes.
"""
import json
import os
import re
import sys

import yaml

package = sys.argv[1]
version = json.load(open(os.path.join(package, "package.json")))["version"]
print(f"# Font Awesome Free {version} by @fontawesome - https://fontawesome.com "
      "License - https://fontawesome.com/license/free (Icons: CC BY 4.0) Copyright Fonticons, Inc.")
icons = yaml.safe_load(open(os.path.join(package, "metadata", "icons.yml")))
# The package also ships each old name as a copy of its icon: keep one copy.
aliases = {}
for name, meta in icons.items():
    for alias in ((meta.get("aliases") or {}).get("names") or []):
        aliases[alias] = name
written = set()
for style in ("solid", "regular", "brands"):
    folder = os.path.join(package, "svgs", style)
    for file in sorted(os.listdir(folder)):
        name = file[: -len(".svg")]
        if name in aliases:
            continue
        svg = open(os.path.join(folder, file)).read()
        width = re.search(r'viewBox="0 0 (\d+) 512"', svg).group(1)
        path = " ".join(re.findall(r' d="([^"]+)"', svg))
        written.add(name)
        print(f"{style}\t{name}\t{width}\t{path}")
for alias, name in sorted(aliases.items()):
    if name in written:
        print(f"alias\t{alias}\t{name}")
