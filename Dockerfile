# Build a static parabot binary, then ship it alone in a small non-root image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/parabot ./cmd/parabot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/parabot /usr/local/bin/parabot
COPY --from=build --chown=nonroot:nonroot /out/data /data
WORKDIR /data
ENV PARABOT_HTTP_ADDR=:8080 \
    PARABOT_DATABASE_URL=/data/parabot.db
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/parabot"]
CMD ["serve"]
