# source tools/encoder/openblas.sh — OpenBLAS for the processes of this shell only.
# Debian's python3-torch links the reference BLAS (torch.__config__.show(): BLAS_INFO=generic): about
# 3 GFLOPS on one thread, 15x slower than OpenBLAS (~45 GFLOPS) for the student's training. The package is
# unpacked into .cache/openblas rather than installed, so the system's libblas.so.3 alternative (and every
# other job's numerics) stays as it is.
_root="$(git rev-parse --show-toplevel 2>/dev/null || pwd)/.cache/openblas"
if [ ! -f "$_root/root/usr/lib/x86_64-linux-gnu/openblas-serial/libblas.so.3" ]; then
  mkdir -p "$_root" && (cd "$_root" && apt-get download libopenblas0-serial && dpkg -x libopenblas0-serial_*.deb root)
fi
export LD_LIBRARY_PATH="$_root/root/usr/lib/x86_64-linux-gnu/openblas-serial${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export OPENBLAS_NUM_THREADS=1
unset _root
