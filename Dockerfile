# syntax=docker/dockerfile:1

# planbot as a container image: a static binary on a distroless base, run
# as an unprivileged user. The plan, the dictionary and the index data are
# embedded in the binary; the image needs only a configuration file and the
# secrets in the environment. See README.md, "Deployment".
#
#   docker build -t planbot .
#   docker run --rm -v /etc/planbot/config.yaml:/etc/planbot/config.yaml:ro \
#     -e PLANBOT_TELEGRAM_TOKEN -e PLANBOT_WEBHOOK_SECRET \
#     -p 8443:8443 -p 127.0.0.1:9090:9090 planbot

# The go directive of go.mod asks for Go 1.26.
FROM golang:1.26 AS build
WORKDIR /src
# The sources are mounted, not copied: nothing of the tree (nor the test
# emulator's node_modules) ends up in a layer; the module and build caches
# persist between builds.
RUN --mount=type=bind,target=. \
    --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w" -o /out/planbot ./cmd/planbot
# A directory the unprivileged user owns, for state such as the statistics
# store (mount a volume there to keep it).
RUN mkdir -p /out/state

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/planbot /usr/local/bin/planbot
COPY --from=build --chown=65532:65532 /out/state /var/lib/planbot
WORKDIR /var/lib/planbot
USER nonroot:nonroot
# 8443: the webhook (mode: webhook, webhook.listen ":8443"). 9090: /healthz
# and /metrics; in a container set admin.listen to ":9090" and publish it
# only to the monitoring network.
EXPOSE 8443 9090
# SIGTERM (docker stop, Kubernetes) stops it cleanly within
# telegram.shutdown_timeout; give docker stop -t / terminationGracePeriod
# more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/planbot"]
CMD ["serve", "-config", "/etc/planbot/config.yaml"]
