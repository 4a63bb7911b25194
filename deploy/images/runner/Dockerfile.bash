# corral/runner-bash:latest, for bash steps: /usr/local/bin/corral (callable or sourced).
# Built by ../build.sh (context: this directory) with --build-arg BASE=corral/runner-base:<hash>.
ARG BASE
FROM ${BASE}
COPY install.sh /tmp/corral/install.sh
COPY lib/ /tmp/corral/lib/
RUN sh /tmp/corral/install.sh bash && rm -rf /tmp/corral
WORKDIR /workspace
USER 1000:1000
CMD ["bash"]
