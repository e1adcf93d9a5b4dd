# syntax=docker/dockerfile:1
# Build stage: the same script CI builds with, producing a static binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN scripts/build.sh /out/peoplegraph

# Run stage: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/peoplegraph /usr/local/bin/peoplegraph
USER nonroot:nonroot
WORKDIR /data
ENV PEOPLEGRAPH_ADDR=:8080 \
    DATABASE_URL=file:/data/peoplegraph.db
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/peoplegraph"]
