# moesim in a container, for clusters whose nodes do not run Debian 12 (README "Container").
#   docker build -t moesim .
#   docker run --rm -v "$PWD/scenarios:/data/scenarios:ro" -v "$PWD/results:/data/results" \
#       moesim run scenarios/quickstart.yaml
# The packages come from scripts/bootstrap.sh itself (its `build` group: what `make build` needs;
# `make bootstrap` adds clang for fuzzing and Python's pandas), so the image and a Debian machine
# build against the same libraries; tests/repo/test_container.cpp checks that the Dockerfile
# installs nothing else.
FROM debian:bookworm

COPY scripts/bootstrap.sh /opt/moesim/scripts/bootstrap.sh
RUN /opt/moesim/scripts/bootstrap.sh build && rm -rf /var/lib/apt/lists/*

COPY . /opt/moesim
RUN cmake -S /opt/moesim -B /opt/moesim/build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /opt/moesim/build --target moesim -j "$(nproc)" \
 && ln -s /opt/moesim/build/moesim /usr/local/bin/moesim \
 && moesim run --out /tmp/smoke >/dev/null && rm -rf /tmp/smoke

# Scenarios and results live in the folder mounted at /data; relative paths resolve there.
WORKDIR /data
ENTRYPOINT ["moesim"]
CMD ["--help"]
