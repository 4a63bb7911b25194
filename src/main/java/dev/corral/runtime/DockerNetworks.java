package dev.corral.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The network and volume calls of {@link DockerRuntime}; removing what is gone and attaching what is attached succeed. */
final class DockerNetworks {

    private final DockerCalls calls;
    private final DockerClient client;

    private final boolean overlay;

    DockerNetworks(DockerCalls calls) {
        this(calls, false);
    }

    DockerNetworks(DockerCalls calls, boolean overlay) {
        this.overlay = overlay;
        this.calls = calls;
        this.client = calls.client();
    }

    public List<ObservedNetwork> listNetworks() {
        List<Network> list = calls.call("list_networks", () -> client.listNetworksCmd()
                .withFilter("label", List.of(Labels.MANAGED_FILTER, Labels.INSTANCE + "=" + calls.instance())).exec());
        List<ObservedNetwork> out = new ArrayList<>(list.size());
        for (Network n : list) {
            String subnet = null;
            if (n.getIpam() != null && n.getIpam().getConfig() != null && !n.getIpam().getConfig().isEmpty()) {
                subnet = n.getIpam().getConfig().get(0).getSubnet();
            }
            out.add(new ObservedNetwork(n.getId(), n.getName(), DockerCalls.labels(n.getLabels()), subnet,
                    Boolean.TRUE.equals(n.getInternal())));
        }
        return out;
    }

    /** This instance's volumes; with {@code unusedOnly}, those no container mounts (the engine's "dangling"). */
    public List<ObservedVolume> listVolumes(boolean unusedOnly) {
        var response = calls.call("list_volumes", () -> {
            var cmd = client.listVolumesCmd()
                    .withFilter("label", List.of(Labels.MANAGED_FILTER, Labels.INSTANCE + "=" + calls.instance()));
            return (unusedOnly ? cmd.withDanglingFilter(true) : cmd).exec();
        });
        List<ObservedVolume> out = new ArrayList<>();
        if (response.getVolumes() != null) {
            response.getVolumes().forEach(v -> out.add(new ObservedVolume(v.getName(), DockerCalls.labels(v.getLabels()))));
        }
        return out;
    }

    public String createNetwork(NetworkRequest r) {
        return calls.call("create_network", () -> {
            // On a Swarm manager: an overlay network across the nodes, attachable so that plain containers (tool runs on
            // the manager's engine) join it as the services' tasks do.
            var cmd = client.createNetworkCmd().withName(r.name()).withDriver(overlay ? "overlay" : "bridge")
                    .withAttachable(overlay ? Boolean.TRUE : null).withInternal(r.internal())
                    .withLabels(calls.stamped(r.labels())).withCheckDuplicate(true);
            if (r.subnet() != null) {
                cmd.withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(r.subnet())));
            }
            return cmd.exec().getId();
        });
    }

    public void removeNetwork(String idOrName) {
        try {
            calls.call("remove_network", () -> client.removeNetworkCmd(idOrName).exec());
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }

    public void connect(String network, String containerId, List<String> aliases) {
        try {
            calls.call("connect_network", () -> client.connectToNetworkCmd().withNetworkId(network).withContainerId(containerId)
                    .withContainerNetwork(new ContainerNetwork().withAliases(aliases)).exec());
        } catch (EngineException e) {
            // 403 "already exists in network" (older engines) / 409: already connected; Podman: 500 "is already connected".
            String m = String.valueOf(e.getMessage());
            if (!m.contains("already exists") && !m.contains("already connected")) {
                throw e;
            }
        }
    }

    public void disconnect(String network, String containerId) {
        try {
            calls.call("disconnect_network", () -> client.disconnectFromNetworkCmd().withNetworkId(network)
                    .withContainerId(containerId).exec());
        } catch (EngineException e) {
            // 404: network or container gone; "is not connected": already detached.
            if (e.status() != 404 && !String.valueOf(e.getMessage()).contains("not connected")) {
                throw e;
            }
        }
    }

    public void createVolume(String name, Map<String, String> labels) {
        calls.call("create_volume", () -> client.createVolumeCmd().withName(name).withLabels(calls.stamped(labels)).exec());
    }

    public void removeVolume(String name) {
        try {
            calls.call("remove_volume", () -> client.removeVolumeCmd(name).exec());
        } catch (EngineException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
    }
}
