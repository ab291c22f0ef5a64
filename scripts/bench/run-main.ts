// How a bench program ends: with 0 once its work is done, or with the error and 1. It exits rather than waits for the
// event loop to empty, since a load generator, a pool or a child's pipe may still hold it.
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
