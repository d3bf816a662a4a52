package dev.thingbridge.cli;

/** Entry point of {@code java -jar thingbridge.jar}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("thingbridge");
  }
}
