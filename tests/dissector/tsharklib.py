"""Runs the real tshark with the freshly built SUM plugin, never installed:
a private HOME whose personal plugin folder holds a copy of sum.so. tshark
4.0 run as root ignores personal plugin folders, so as root it runs as
'nobody' (setpriv). A plugin built with SUMSCOPE_SANITIZE gets the sanitizer
runtimes preloaded."""
import atexit
import os
import re
import shutil
import subprocess
import tempfile


class Tshark:
    def __init__(self, plugin):
        ver = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
        m = re.search(r"\(Wireshark\) (\d+)\.(\d+)", ver)
        self.version = "%s.%s" % (m.group(1), m.group(2))
        self.home = tempfile.mkdtemp(prefix="sumscope-tshark.")
        atexit.register(shutil.rmtree, self.home, True)
        pdir = os.path.join(self.home, ".local/lib/wireshark/plugins", self.version, "epan")
        os.makedirs(pdir)
        shutil.copy(plugin, os.path.join(pdir, "sum.so"))
        self.files = os.path.join(self.home, "files")
        os.makedirs(self.files)
        for root, dirs, files in os.walk(self.home):
            os.chmod(root, 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        self.env = dict(os.environ, HOME=self.home, XDG_CONFIG_HOME=self.home + "/.config")
        needed = subprocess.run(["readelf", "-d", plugin], capture_output=True, text=True).stdout
        if "libasan" in needed:
            libs = [subprocess.run(["gcc", "-print-file-name=" + l], capture_output=True,
                                   text=True).stdout.strip() for l in ("libasan.so", "libubsan.so")]
            self.env["LD_PRELOAD"] = " ".join(libs)
            self.env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
            self.env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
        self.root = os.getuid() == 0
        if self.root:
            subprocess.run(["chown", "-R", "nobody", self.home], check=True)

    def values(self):
        """{field: {number: name}} of the plugin's value strings (tshark -G values):
        -T fields prints an integer field's number, the tests speak names."""
        if getattr(self, "_vals", None) is None:
            self._vals = {}
            for line in self.run("-G", "values").stdout.splitlines():
                w = line.split("\t")
                if len(w) == 4 and w[0] == "V" and w[1].startswith("sum."):
                    self._vals.setdefault(w[1], {})[w[2]] = w[3]
        return self._vals

    def readable(self, path):
        """A copy of PATH that nobody can read."""
        dst = os.path.join(self.files, os.path.basename(path))
        if not os.path.exists(dst):
            shutil.copy(path, dst)
            os.chmod(dst, 0o644)
        return dst

    def run(self, *args, timeout=300):
        cmd = ["tshark", *args]
        if self.root:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                              env=self.env, timeout=timeout, cwd=self.home)

    def fields(self, path, fields, *extra):
        """Rows of -T fields output for PATH (a list of dicts), the numbers of
        fields with value strings turned into their names."""
        args = ["-r", self.readable(path), "-T", "fields", "-E", "separator=\t",
                "-E", "occurrence=a", "-E", "aggregator=|"]
        for f in fields:
            args += ["-e", f]
        p = self.run(*args, *extra)
        if p.returncode != 0:
            raise RuntimeError("tshark failed on %s: %s" % (path, p.stderr[-500:]))
        names = self.values()
        rows = []
        for line in p.stdout.splitlines():
            vals = line.split("\t")
            row = dict(zip(fields, vals + [""] * (len(fields) - len(vals))))
            for f, v in row.items():
                if f in names and v:
                    row[f] = "|".join(names[f].get(x, x) for x in v.split("|"))
            rows.append(row)
        return rows
