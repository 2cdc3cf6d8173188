defmodule MyAppTest do
  use ExUnit.Case

  test "the NIF is loaded" do
    assert MyApp.NIF.add(1, 2) == 3
  end
end
