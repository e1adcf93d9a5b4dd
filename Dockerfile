# syntax=docker/dockerfile:1
# Build stage: the same script CI builds with, producing a static binary
# (CGO off; time zone data is embedded in the binary).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN scripts/build.sh /out/peoplegraph && mkdir -p /out/data

# Run stage: nothing but the binary, CA certificates for HTTPS to Humaans,
# and a data directory owned by the unprivileged user that runs it.
FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/peoplegraph /peoplegraph
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
ENV PEOPLEGRAPH_ADDR=:8080 \
    DATABASE_URL=file:/data/peoplegraph.db
EXPOSE 8080
ENTRYPOINT ["/peoplegraph"]
